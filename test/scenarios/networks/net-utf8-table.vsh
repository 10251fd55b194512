#@ files networks/utf8.xml
# tables escape what the C locale cannot print (virsh's vshTableSafeEncode)
net-define utf8.xml
net-list --all
iface-list --all

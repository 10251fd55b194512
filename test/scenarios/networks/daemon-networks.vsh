#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ files networks/net1.xml networks/net2.xml networks/host4.xml
# network commands through libvirtd's own test driver
net-list --all
net-define net1.xml
net-create net2.xml
net-autostart net1
net-list --all
net-list --all --transient
net-info net1
net-start net1
net-update net1 add ip-dhcp-host host4.xml
net-update default add ip-dhcp-host host4.xml
net-update default add ip-dhcp-host host4.xml --config
net-dumpxml default --xpath //dhcp/host
net-dhcp-leases default
net-destroy net2
net-destroy net1
net-undefine net1
net-name 11111111-2222-3333-4444-555555555555
net-uuid default
net-list --all --uuid

#@ args -q -r
#@ files networks/net1.xml
# a read-only connection refuses what would change the host
net-list --all
net-info default
net-define net1.xml
net-create net1.xml
net-destroy default
net-start default
net-undefine default
net-autostart default
net-update default add ip-dhcp-host "<host mac='5:4:0:0:0:2'/>"
iface-destroy eth1
iface-start eth1
iface-undefine eth1
iface-begin
nodesuspend mem 60
freecell --all

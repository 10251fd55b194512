#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ args
#@ files networks/net1.xml networks/broken.xml
# network and interface commands through a daemon's test driver
net-list
net-list --all
net-list --name
net-list --uuid
net-list --table
net-info default
net-dumpxml default
net-uuid default
net-name dd8fe884-6c02-601e-7551-cca97df1c5df
net-info nosuch
net-define net1.xml
net-define broken.xml
net-list --all
net-start net1
net-start net1
net-autostart net1
net-info net1
net-destroy net1
net-undefine net1
net-undefine net1
net-dhcp-leases default
iface-list
iface-list --all
iface-mac eth1
iface-name nosuch
iface-dumpxml eth1

#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files networks/net1.xml networks/broken.xml
#@ mask <mac address='[0-9a-f:]+'/>
# networks through the QEMU driver (defined, never started)
net-list --all
net-define net1.xml
net-define broken.xml
net-list --all
net-info net1
net-dumpxml net1
net-uuid net1
net-name 11111111-2222-3333-4444-555555555555
net-autostart net1
net-list --all --autostart
net-autostart net1 --disable
net-destroy net1
net-undefine net1
net-undefine net1
net-info nosuch

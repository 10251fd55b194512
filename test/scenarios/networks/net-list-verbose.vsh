#@ args
#@ files networks/net1.xml
# without -q the table has its header and the messages show
net-list
net-list --inactive
net-define net1.xml
net-list --all
net-list --all --name
net-list --all --uuid
net-autostart net1
net-autostart net1 --disable
net-start net1
net-destroy net1
net-undefine net1
net-define net1.xml
net-start 11111111-2222-3333-4444-555555555555
net-autostart 11111111-2222-3333-4444-555555555555
net-destroy 11111111-2222-3333-4444-555555555555
net-undefine 11111111-2222-3333-4444-555555555555

#@ files networks/net1.xml networks/net2.xml
# net-start, -destroy, -undefine, -autostart and state errors
net-autostart default --disable
net-info default
net-autostart default
net-info default
net-destroy default
net-destroy default
net-list --all
net-start default
net-start default
net-undefine default
net-destroy default
net-undefine default
net-list --all
net-info default
net-define net1.xml
net-start 11111111-2222-3333-4444-555555555555
net-autostart 11111111-2222-3333-4444-555555555555
net-list --all
net-create net2.xml
net-autostart net2
net-undefine net2
net-destroy net2
net-info net2
net-start nope
net-destroy nope
net-undefine nope
net-autostart nope
net-autostart nope --disable
net-start
net-autostart --disable

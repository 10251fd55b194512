#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ mask CPU time: +[0-9.]+s
#@ mask [0-9]+\.[0-9]s
# memory, vcpus, autostart, descriptions, block and interface listings
setmem test 1048576
dominfo test
setmem test 99999999999
setmaxmem test 4194304 --config
vcpucount test
setvcpus test 1 --live
vcpucount test
autostart test
dominfo test
autostart test --disable
desc test --title "a title"
desc test --title
desc test
domblklist test
domblklist test --details
domiflist test
domblkinfo test vda
dommemstat test
shutdown test
domstate test --reason
start test
reboot test
reset test
domrename test other
destroy test
domrename test other
list --all --name
managedsave other

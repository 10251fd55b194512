#@ uri qemu+tcp://127.0.0.1:1/system
#@ argv list

#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files domains/q1.xml
#@ mask CPU time: +[0-9.]+s
#@ mask CPU: +[0-9]+
#@ mask rss [0-9]+
# a QEMU guest through a private libvirtd
define q1.xml
list --all --title
dominfo q1
domstate q1 --reason
vcpucount q1
vcpuinfo q1
domblklist q1 --details
domblkinfo q1 --all
domiflist q1
dumpxml q1 --xpath //graphics
dumpxml q1 --security-info --xpath //graphics
desc q1 --title
setmem q1 64M --config
setmaxmem q1 256M --config
setvcpus q1 2 --config
vcpucount q1
autostart q1
dominfo q1
start q1 --paused
domstate q1 --reason
dominfo q1
vcpuinfo q1
dommemstat q1
domblkstat q1
destroy q1
undefine q1

#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ mask [0-9]+ kB
#@ mask [0-9]+ KiB
# qemu:///system through a private daemon: no guests, the host
uri
hostname
version
list --all
list --name
dominfo nosuch
domstate nosuch
net-list --all
net-info default
nodeinfo
maxvcpus --type kvm
iface-list

#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ args -q -r
#@ files remote/qemu-guest.xml networks/net1.xml
# -r: the daemon refuses every change on a read-only connection
uri
list --all
define qemu-guest.xml
net-define net1.xml
net-list --all
hostname
connect
define qemu-guest.xml
connect qemu+unix:///system?socket=sock
define qemu-guest.xml
undefine tcg1

#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ args
#@ files remote/qemu-guest.xml
#@ image qcow2 tcg1.qcow2 64M
#@ mask CPU time: +[0-9.]+s
# a real QEMU guest under TCG: no OS, a qcow2 disk
define qemu-guest.xml
list --all
dominfo tcg1
domstate tcg1 --reason
start tcg1
list
domstate tcg1 --reason
dominfo tcg1
domblklist tcg1
domblklist tcg1 --details
domiflist tcg1
domblkinfo tcg1 vda
suspend tcg1
domstate tcg1 --reason
suspend tcg1
list --all
resume tcg1
domstate tcg1 --reason
resume tcg1
start tcg1
undefine tcg1
list --all
destroy tcg1
domstate tcg1 --reason
destroy tcg1
dominfo tcg1
define qemu-guest.xml
undefine tcg1
dominfo tcg1

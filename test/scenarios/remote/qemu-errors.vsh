#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files domains/broken.xml domains/guest1.xml remote/qemu-guest.xml
#@ image qcow2 tcg1.qcow2 64M
# errors from the QEMU driver
define broken.xml
define guest1.xml
create guest1.xml
start nosuch
destroy nosuch
undefine nosuch
suspend nosuch
dumpxml nosuch
domblklist nosuch
create qemu-guest.xml
list --all
undefine tcg1
destroy tcg1
undefine tcg1
list --all
define qemu-guest.xml
define qemu-guest.xml
domrename tcg1 tcg2
list --all --name
undefine tcg2

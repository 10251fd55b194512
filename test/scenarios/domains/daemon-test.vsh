#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ files domains/guest1.xml domains/guest2.xml
#@ mask CPU time: +[0-9.]+s
#@ mask (_req|_bytes|_packets|errs|_drop) [0-9]+
# domain commands through the daemon test driver
list --all
define guest1.xml
create guest2.xml
list --all --title --uuid
dominfo guest1
dominfo 2
domstate guest2 --reason
domblklist guest1 --details
domiflist guest1
domblkinfo guest1 --all --human
vcpucount guest1
vcpuinfo test
desc guest1 --title
desc guest1 --config new words
desc guest1
setmem test 1G
setvcpus test 1
dumpxml test --xpath //vcpu --wrap
suspend test
resume test
domblkstat test vda
domifstat test testnet0
dommemstat test
save test s1.img
restore s1.img
managedsave test
list --all --managed-save
start test
domrename guest1 guest9
autostart guest9
list --autostart --all --name
undefine guest9
destroy guest2
list --all

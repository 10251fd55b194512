#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files remote-snapshots/g.xml
#@ image qcow2 g.qcow2 64M
#@ mask CPU time: +[0-9.]+s
# reverts bring back the configuration saved in the snapshot
define g.xml
start g
snapshot-create-as g s1
destroy g
setmaxmem g 49152 --config
start g
dominfo g
snapshot-revert g s1
snapshot-revert g s1 --running
domstate g --reason
snapshot-revert g s1 --force
domstate g --reason
dominfo g
destroy g
dominfo g
snapshot-revert g s1 --paused
domstate g --reason
dominfo g
destroy g
undefine g --snapshots-metadata

#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files remote/qemu-guest.xml
#@ image qcow2 tcg1.qcow2 64M
#@ mask <creationTime>[0-9]+</creationTime>
#@ mask [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4}
# internal snapshots of a running TCG guest (with memory)
define qemu-guest.xml
snapshot-list tcg1
snapshot-current tcg1
snapshot-current tcg1 --name
start tcg1
snapshot-create-as tcg1 s1 --description first
snapshot-create-as tcg1 s1
snapshot-list tcg1
snapshot-list tcg1 --tree
snapshot-list tcg1 --name
snapshot-list tcg1 --parent
snapshot-list tcg1 --roots
snapshot-list tcg1 --leaves
snapshot-list tcg1 --internal
snapshot-list tcg1 --external
snapshot-list tcg1 --active
snapshot-list tcg1 --inactive
snapshot-list tcg1 --current
snapshot-info tcg1 s1
snapshot-info tcg1 --current
snapshot-current tcg1 --name
snapshot-dumpxml tcg1 s1
snapshot-dumpxml tcg1 s9
snapshot-parent tcg1 s1
suspend tcg1
snapshot-create-as tcg1 s2 second
snapshot-list tcg1 --tree
snapshot-list tcg1 --parent
snapshot-list tcg1 --roots
snapshot-list tcg1 --leaves
snapshot-list tcg1 --from s1
snapshot-list tcg1 --from s1 --descendants --name
snapshot-info tcg1 s2
snapshot-parent tcg1 s2
snapshot-parent tcg1 --current
snapshot-current tcg1 --name
snapshot-revert tcg1 s1 --running
domstate tcg1 --reason
snapshot-current tcg1 --name
snapshot-revert tcg1 s2 --paused
domstate tcg1 --reason
snapshot-revert tcg1 s1 --running --paused
snapshot-revert tcg1
snapshot-revert tcg1 s9
snapshot-revert tcg1 --current
domstate tcg1 --reason
snapshot-info tcg1 s9
snapshot-info tcg1
snapshot-parent tcg1 s9
snapshot-delete tcg1
snapshot-delete tcg1 s9
snapshot-delete tcg1 s1 --children-only --children
snapshot-current tcg1 s1
snapshot-current tcg1 --name
snapshot-delete tcg1 s2
snapshot-list tcg1 --name
snapshot-create-as tcg1 s3
snapshot-delete tcg1 s1 --children-only
snapshot-list tcg1 --name
snapshot-create-as tcg1 s4
snapshot-delete tcg1 s1 --children
snapshot-list tcg1
snapshot-current tcg1
destroy tcg1
undefine tcg1

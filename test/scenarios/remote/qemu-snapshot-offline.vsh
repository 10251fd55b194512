#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files remote-snapshots/g.xml
#@ image qcow2 g.qcow2 64M
#@ mask <creationTime>[0-9]+</creationTime>
#@ mask [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4}
# internal snapshots of a shut-off guest, --halt, reverts
define g.xml
snapshot-create-as g off1 --description "shut off"
snapshot-create-as g off2 --live
snapshot-create-as g off2 --quiesce
snapshot-create-as g off2 --memspec file=/tmp/x
snapshot-create-as g off2 --validate
snapshot-list g
snapshot-list g --inactive
snapshot-list g --active
snapshot-list g --disk-only
snapshot-list g --metadata --name
snapshot-list g --no-metadata --name
snapshot-list g --topological --name
snapshot-info g off1
snapshot-dumpxml g off1
snapshot-dumpxml g off1 --security-info
snapshot-dumpxml g off1 --no-domain
start g
snapshot-create-as g run1 --halt
domstate g --reason
snapshot-list g --parent
snapshot-list g --no-leaves --name
snapshot-list g --leaves --name
start g
snapshot-revert g off1
domstate g --reason
snapshot-current g --name
snapshot-revert g run1
domstate g --reason
snapshot-revert g run1 --paused
domstate g --reason
snapshot-revert g off1 --running
domstate g --reason
snapshot-revert g run1 --force
domstate g --reason
snapshot-current g off1
snapshot-delete g --current --children-only
snapshot-list g --tree
snapshot-delete g --current
snapshot-list g --tree
snapshot-current g
destroy g
snapshot-create-as g off3 --atomic
snapshot-create-as g off4 --atomic --no-metadata
snapshot-list g --name
undefine g
undefine g --snapshots-metadata

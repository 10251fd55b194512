#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files remote-snapshots/g.xml
#@ image qcow2 g.qcow2 64M
#@ image qcow2 q 64M
#@ mask <creationTime>[0-9]+</creationTime>
#@ mask [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4}
# external snapshots with memory, --live, --reuse-external, --halt
define g.xml
start g
snapshot-create-as g m1 d --memspec {dir}/v1 vda,file={dir}/o1
snapshot-list g --external
snapshot-info g m1
snapshot-dumpxml g m1
domblklist g
domstate g --reason
snapshot-create-as g m2 d --live --memspec {dir}/v2 vda,file=/
snapshot-create-as g m2 d --memspec {dir}/v1 vda,file={dir}/o2
snapshot-create-as g m2 --memspec snapshot=internal,file={dir}/v2
snapshot-create-as g m2 --memspec {dir}/v2 --diskspec vda,snapshot=no
snapshot-create-as g m2 --memspec {dir}/v2 --diskspec vda,snapshot=bad
snapshot-create-as g m2 --memspec snapshot=no --disk-only
snapshot-create-as g r --disk-only --reuse-external --diskspec vda
snapshot-create-as g r d --disk-only --reuse-external vda,file={dir}/q
snapshot-create-as g m3 --halt --memspec {dir}/v3
domstate g --reason
snapshot-list g --parent
domblklist g
snapshot-list g --tree
snapshot-revert g m1
snapshot-delete g m3
snapshot-list g --leaves --name
undefine g --snapshots-metadata

#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files remote-snapshots/g.xml remote-snapshots/ext.xml
#@ image qcow2 g.qcow2 64M
#@ image qcow2 u 64M
#@ mask <creationTime>[0-9]+</creationTime>
#@ mask [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4}
# external disk-only snapshots of a running TCG guest
define g.xml
start g
domblklist g
snapshot-create-as g e1 --disk-only --diskspec vda,file={dir}/o1
domblklist g
domblklist g --details
snapshot-list g
snapshot-list g --external
snapshot-list g --internal
snapshot-list g --disk-only
snapshot-list g --tree
snapshot-info g e1
snapshot-dumpxml g e1
snapshot-create-as g e2 --disk-only --diskspec vda,file={dir}/u
snapshot-create-as g e2 --disk-only --diskspec vdz,file={dir}/o2
snapshot-create-as g e2 --disk-only --diskspec vda,file=o2
snapshot-create g ext.xml
snapshot-create g ext.xml --disk-only
domblklist g
snapshot-list g --parent
snapshot-list g --tree
snapshot-create-as g n d --no-metadata --disk-only vda,file={dir}/o4
domblklist g
snapshot-list g --name
snapshot-current g --name
snapshot-revert g e1
snapshot-delete g e1 --metadata
snapshot-list g --name
snapshot-info g e3
destroy g
undefine g
snapshot-list g --name
undefine g --snapshots-metadata
list --all

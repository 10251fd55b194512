#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files remote-snapshots/g2.xml
#@ image qcow2 g2.qcow2 64M
#@ image raw g2.raw 16M
#@ mask <creationTime>[0-9]+</creationTime>
#@ mask [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4}
# a guest with a qcow2 and a raw disk: per-disk snapshot modes
define g2.xml
snapshot-create-as g2 i1
snapshot-create-as g2 i1 --diskspec vdb,snapshot=no
snapshot-create-as g2 i2 --diskspec vda,snapshot=no
snapshot-create-as g2 i2 --diskspec vdb,snapshot=manual
snapshot-list g2 --name
start g2
snapshot-create-as g2 x1 --disk-only
domblklist g2
snapshot-create-as g2 x2 --disk-only --diskspec vdb,snapshot=no
domblklist g2
snapshot-create-as g2 x3 --disk-only --diskspec vda,snapshot=internal
snapshot-create-as g2 x3 --diskspec vda,snapshot=bogus
snapshot-list g2 --parent
snapshot-info g2 x2
destroy g2
undefine g2 --snapshots-metadata

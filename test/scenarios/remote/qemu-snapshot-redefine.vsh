#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files remote-snapshots/g.xml remote-snapshots/redef.xml
#@ files remote-snapshots/child.xml
#@ image qcow2 g.qcow2 64M
#@ mask <creationTime>1[0-9]{9}</creationTime>
#@ mask 20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4}
# snapshot XML: --print-xml, redefine, --current, read-only errors
define g.xml
snapshot-create-as g p1 desc --print-xml
snapshot-create-as g --print-xml --disk-only --diskspec vda,file=/x
snapshot-create-as g --print-xml --memspec file=/m --diskspec vda
snapshot-create-as g --print-xml --memspec snapshot=no,file=/m
snapshot-create-as g --print-xml --diskspec vda,driver=raw,stype=x
snapshot-create g redef.xml --redefine
snapshot-create g child.xml --redefine --current
snapshot-create g child.xml
snapshot-create g missing.xml
snapshot-list g --parent
snapshot-current g --name
snapshot-info g r1
snapshot-dumpxml g r2
snapshot-create g child.xml --redefine
snapshot-current g r1
snapshot-current g --name
snapshot-create g --current
connect qemu+unix:///system?socket={socket} --readonly
snapshot-list g --tree
snapshot-info g r1
snapshot-create-as g ro
snapshot-delete g r2
snapshot-revert g r1
snapshot-current g r2
connect qemu+unix:///system?socket={socket}
snapshot-delete g r1 --metadata
snapshot-list g --tree
undefine g --snapshots-metadata

#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files remote-snapshots/g.xml remote-snapshots/ed.sh
#@ image qcow2 g.qcow2 64M
#@ env VISUAL=sh ed.sh
#@ mask <creationTime>[0-9]+</creationTime>
#@ mask [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4}
# snapshot-edit on a qemu daemon: renames, clones, a running guest
define g.xml
snapshot-create-as g s1 first
snapshot-edit g s1
snapshot-list g --name
snapshot-edit g s1 --clone
snapshot-list g --name
snapshot-info g s9
snapshot-delete g s9
snapshot-edit g s1 --rename
snapshot-list g --name
snapshot-current g --name
snapshot-edit g s1
snapshot-edit g --current --rename --clone
snapshot-delete g s9
start g
snapshot-create-as g s1 first
snapshot-edit g s1 --rename
snapshot-list g --name --parent
destroy g
undefine g --snapshots-metadata

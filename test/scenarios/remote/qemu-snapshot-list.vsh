#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files remote-snapshots/g.xml
#@ image qcow2 g.qcow2 64M
#@ mask [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [-+][0-9]{4}
# snapshot-list filters and trees on a qemu daemon (shut-off guest)
define g.xml
snapshot-create-as g a
snapshot-create-as g b
snapshot-create-as g c
snapshot-current g a
snapshot-create-as g d
snapshot-create-as g e
snapshot-current g b
snapshot-list g --tree
snapshot-list g --parent --name
snapshot-list g --from a --tree
snapshot-list g --from a --descendants --tree
snapshot-list g --from a --descendants --parent
snapshot-list g --current --tree
snapshot-list g --current --descendants --name
snapshot-list g --from zz
snapshot-list g --from a --current
snapshot-list g --roots --from a
snapshot-list g --parent --roots
snapshot-list g --parent --tree
snapshot-list g --tree --name
snapshot-list g --leaves --no-leaves
snapshot-list g --leaves --name --topological
snapshot-list g --no-leaves --name
snapshot-list g --inactive --internal --name
snapshot-list g --active --external --name
snapshot-list g --from d --leaves --name
snapshot-list g --from a --no-leaves --descendants --name
snapshot-list g --metadata --no-metadata
snapshot-list zz
snapshot-list
snapshot-info g a
snapshot-info g d
snapshot-parent g a
snapshot-parent g e
snapshot-delete g d --children
snapshot-list g --tree
snapshot-delete g a --children-only
snapshot-list g --tree
undefine g --snapshots-metadata

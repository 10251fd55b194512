#@ mask \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}
# snapshot-list: tables, names, trees, filters, --from, conflicts
snapshot-list test
snapshot-list test --tree
snapshot-create-as test a
snapshot-create-as test b
snapshot-create-as test c
snapshot-revert test a
snapshot-create-as test d
snapshot-create-as test e
snapshot-revert test a
snapshot-create-as test Ab
destroy test
snapshot-create-as test off
snapshot-list test
snapshot-list test --parent
snapshot-list test --name
snapshot-list test --topological --name
snapshot-list test --tree
snapshot-list test --topological --tree
snapshot-list test --from a --name
snapshot-list test --from a --name --topological
snapshot-list test --from a --descendants --name
snapshot-list test --from a --descendants --topological
snapshot-list test --from a --tree
snapshot-list test --from a --descendants --tree
snapshot-list test --current --tree
snapshot-list test --current --descendants
snapshot-list test --from e --parent
snapshot-list test --roots
snapshot-list test --leaves --name
snapshot-list test --no-leaves --name
snapshot-list test --leaves --no-leaves --name
snapshot-list test --metadata --name
snapshot-list test --no-metadata --name
snapshot-list test --metadata --no-metadata --name
snapshot-list test --inactive --name
snapshot-list test --active --name
snapshot-list test --disk-only --name
snapshot-list test --inactive --disk-only --name
snapshot-list test --active --inactive --disk-only --name
snapshot-list test --internal --name
snapshot-list test --external --name
snapshot-list test --internal --external --name
snapshot-list test --from a --leaves --name
snapshot-list test --descendants
snapshot-list test --from a --current
snapshot-list test --roots --from a
snapshot-list test --roots --current
snapshot-list test --roots --tree
snapshot-list test --tree --leaves
snapshot-list test --tree --no-metadata
snapshot-list test --parent --roots
snapshot-list test --parent --tree
snapshot-list test --tree --name
snapshot-list test --from zz
snapshot-list test --from ""
snapshot-list nope
snapshot-list

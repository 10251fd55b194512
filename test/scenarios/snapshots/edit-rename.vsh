#@ files snapshots/ed-rename.sh
#@ env VISUAL=sh ed-rename.sh
# snapshot-edit: renames need --rename or --clone
snapshot-create-as test a
snapshot-create-as test b
snapshot-edit test a
snapshot-list test --name
snapshot-delete test c
snapshot-edit test a --clone
snapshot-list test --name --parent
snapshot-delete test c
snapshot-edit test a --rename
snapshot-list test --name
snapshot-current test --name

#@ files snapshots/ed-rename.sh
#@ env EDITOR=sh ed-rename.sh
# snapshot-edit: a new name needs --rename or --clone; the test driver cannot drop metadata
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

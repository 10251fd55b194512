#@ args
#@ files snapshots/ed-rename.sh
#@ env VISUAL=sh ed-rename.sh
# snapshot-edit's message for a clone
snapshot-create-as test a
snapshot-edit test a --clone

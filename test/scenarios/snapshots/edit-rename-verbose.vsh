#@ args
#@ files snapshots/ed-rename.sh
#@ env EDITOR=sh ed-rename.sh
# snapshot-edit's message for a clone
snapshot-create-as test a
snapshot-edit test a --clone

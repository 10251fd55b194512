#@ args
#@ files snapshots/ed-desc.sh
#@ env VISUAL=sh ed-desc.sh
# snapshot-edit's messages
snapshot-create-as test a x
snapshot-edit test a
snapshot-edit test a
snapshot-edit test a --current

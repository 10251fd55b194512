#@ files snapshots/ed-desc.sh
#@ env VISUAL=sh ed-desc.sh
# snapshot-edit: a changed description is redefined in place
snapshot-create-as test a x
snapshot-create-as test b
snapshot-edit test a
snapshot-dumpxml test a --xpath //description
snapshot-current test --name
snapshot-edit test a
snapshot-edit test --current
snapshot-edit test --snapshotname a --current
snapshot-current test --name
snapshot-edit test
snapshot-edit test zz
snapshot-edit test a --rename --clone
snapshot-edit nope a
snapshot-edit

# snapshot-info: running, paused, shut-off snapshots; errors
snapshot-info test --current
snapshot-create-as test a
suspend test
snapshot-create-as test b
snapshot-revert test a
snapshot-create-as test c
destroy test
snapshot-create-as test d
snapshot-info test a
snapshot-info test b
snapshot-info --current test
snapshot-info test --snapshotname c
snapshot-info test
snapshot-info test a --current
snapshot-info test zz
snapshot-info test ""
snapshot-info nope a
snapshot-info

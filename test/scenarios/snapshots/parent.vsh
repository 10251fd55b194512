# snapshot-parent: the parent's name, without a newline
snapshot-create-as test a
snapshot-create-as test b
snapshot-create-as test c
snapshot-parent test b
snapshot-parent test --current
snapshot-parent test --snapshotname c
snapshot-parent test a
snapshot-parent test
snapshot-parent test c --current
snapshot-parent test zz
snapshot-parent nope a
snapshot-delete test a
snapshot-parent test b
snapshot-parent

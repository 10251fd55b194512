#@ args
#@ mask [0-9]{10}
#@ files snapshots/ignored.xml
# messages -q hides; names printed without a newline
snapshot-create-as test a
snapshot-create test ignored.xml
snapshot-create test
snapshot-list test --name
snapshot-current test --snapshotname a
snapshot-current test --name
snapshot-parent test n1
snapshot-delete test a --children-only
snapshot-delete test a
snapshot-list test
snapshot-list test --parent
snapshot-revert test zz

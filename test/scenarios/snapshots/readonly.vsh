#@ args -q -r
# a read-only connection lists snapshots but cannot change them
snapshot-list test
snapshot-create-as test a
snapshot-create test
snapshot-current test

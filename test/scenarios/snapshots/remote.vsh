#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ mask [0-9]{10}
#@ mask \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}
# the snapshot commands through a libvirtd's test:///default
snapshot-create-as test a "first"
suspend test
snapshot-create-as test b
snapshot-list test --parent
snapshot-list test --tree
snapshot-info test --current
snapshot-revert test a
domstate --reason test
snapshot-current test --name
snapshot-parent test b
snapshot-dumpxml test b --xpath /domainsnapshot/state
snapshot-delete test a --metadata
snapshot-delete test a
snapshot-list test --name --parent
snapshot-revert test a --running --paused
snapshot-current test --snapshotname b
snapshot-create-as test a --current

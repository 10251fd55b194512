#@ mask [0-9]{10}
# snapshot-current: show it, name it, set it, and the errors
snapshot-current test
snapshot-current test --name
snapshot-create-as test a
snapshot-create-as test b
snapshot-current test --name
snapshot-current test
snapshot-current test --security-info --name
snapshot-current test --snapshotname a
snapshot-current test --name
snapshot-current test a
snapshot-current test --name
snapshot-info test a
snapshot-current test --snapshotname b --name
snapshot-current test --snapshotname zz
snapshot-current test --snapshotname ""
snapshot-current nope
snapshot-current 1 --name
snapshot-current

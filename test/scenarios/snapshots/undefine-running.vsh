# a running domain with snapshots can be undefined
snapshot-create-as test a
undefine test
list --all --with-snapshot
snapshot-list test --name
destroy test
list --all

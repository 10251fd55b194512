# list --with-snapshot; undefine refused while snapshots exist
list --all --with-snapshot --name
list --all --without-snapshot --name
snapshot-create-as test a
snapshot-create-as test b
list --all --with-snapshot --name
list --all --without-snapshot --name
destroy test
undefine test
list --all --with-snapshot
undefine test --snapshots-metadata
list --all

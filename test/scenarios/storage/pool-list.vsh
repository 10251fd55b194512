#@ mask [0-9a-f]{8}-(?!28fb-)[0-9a-f-]{27}
# pool-list: filters, types, --details, --name, --uuid, errors
pool-list
pool-list --all --details
pool-list --details
pool-list --name
pool-list --uuid
pool-list --name --uuid
pool-list --type dir
pool-list --type dir,fs --all
pool-list --type foo
pool-list --type dir,foo
pool-list --type dir,,fs
pool-list --type ''
pool-list --name --details
pool-list --uuid --details
pool-list --inactive
pool-list --inactive --details
pool-define-as p1 dir --target /p1
pool-autostart p1
pool-create-as p2 dir --target /p2
pool-list --all
pool-list --all --details
pool-list --inactive --name
pool-list --autostart --all
pool-list --no-autostart --name
pool-list --transient --details
pool-list --persistent --all --uuid
pool-list --all --type logical
pool-list --all --type dir,logical
pool-list --bogus

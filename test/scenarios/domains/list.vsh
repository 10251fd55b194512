#@ files domains/guest1.xml domains/guest2.xml
# list: filters, output forms, exclusive options
list
list --all
define guest1.xml
define guest2.xml
list --all
list --inactive
list --all --name
list --all --uuid
list --all --id
list --id
list --all --name --uuid --id
list --all --uuid --name
list --all --title
list --all --title --uuid
list --all --uuid --title --table
list --table
list --transient
list --persistent --all
list --with-snapshot
list --without-snapshot --all
list --with-checkpoint --all
list --without-checkpoint --all
list --state-running
list --state-paused --all
list --state-shutoff
list --state-other --all
list --state-running --state-shutoff --all
list --autostart --all
list --no-autostart --all
list --with-managed-save --all
list --without-managed-save --all
list --managed-save --all
autostart guest2
list --autostart --all
suspend test
list --state-paused
list --state-running
list --state-other --all
resume test
start guest1
list --all --managed-save
list --all
list --all --table --name
list --table --id
list --uuid --table
list --table --uuid --name --id
list --uuid --table --id
list --all extra
list --bogus

#@ files networks/net1.xml networks/net2.xml networks/nobridge.xml
# net-list: filters, output modes and their conflicts
net-list
net-list --all
net-list --inactive
net-define net1.xml
net-define nobridge.xml
net-create net2.xml
net-autostart net1
net-list
net-list --all
net-list --inactive
net-list --all --inactive
net-list --all --persistent
net-list --all --transient
net-list --all --autostart
net-list --all --no-autostart
net-list --inactive --persistent --no-autostart
net-list --all --name
net-list --all --uuid
net-list --all --table
net-list --table --name
net-list --uuid --name
net-list --uuid --table --name
net-list --bogus
net-list extra

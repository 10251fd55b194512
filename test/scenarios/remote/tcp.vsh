#@ tcp
#@ uri qemu+tcp://127.0.0.1:{tcpport}/system
# qemu+tcp without authentication on 127.0.0.1
uri
hostname
version
list --all
dominfo nosuch
net-list --all
connect test+tcp://127.0.0.1:{tcpport}/default
uri
domstate test --reason
suspend test
list --all
connect qemu+tcp://127.0.0.1:1/system
uri

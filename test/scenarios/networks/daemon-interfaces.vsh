#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ files networks/eth2.xml
# interface commands through libvirtd's own test driver
iface-list --all
iface-define eth2.xml
iface-list --all
iface-start eth2
iface-name aa:bb:cc:dd:ee:01
iface-dumpxml eth2 --xpath //protocol --wrap
iface-destroy eth2
iface-destroy eth2
iface-bridge eth2 br0
iface-begin
iface-undefine eth2
iface-rollback
iface-list --all
iface-begin
iface-commit
iface-commit

#@ files networks/eth2.xml networks/eth3.xml
# iface life cycle and the change transaction
iface-define eth2.xml
iface-list --all
iface-name aa:bb:cc:dd:ee:01
iface-dumpxml aa:bb:cc:dd:ee:01
iface-dumpxml eth2
iface-start eth2
iface-start eth2
iface-list
iface-destroy aa:bb:cc:dd:ee:01
iface-destroy eth2
iface-start aa:bb:cc:dd:ee:01
iface-define eth3.xml
iface-list --all
iface-dumpxml eth3
iface-undefine eth2
iface-undefine eth2
iface-list --all
iface-define missing.xml
iface-define
iface-start nope
iface-destroy nope
iface-undefine nope
iface-rollback
iface-commit
iface-begin
iface-begin
iface-undefine eth1
iface-rollback
iface-list --all
iface-begin
iface-commit
iface-commit

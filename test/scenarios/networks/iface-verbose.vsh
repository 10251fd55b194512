#@ args
#@ files networks/eth2.xml
# without -q: table headers and the commands' messages
iface-list --all
iface-define eth2.xml
iface-start eth2
iface-destroy eth2
iface-undefine eth2
iface-begin
iface-commit
iface-begin
iface-rollback

#@ args
#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ files domains/guest2.xml
# managedsave and managedsave-remove
managedsave test
domstate test --reason
list --all --managed-save
managedsave-remove test
managedsave-remove test
start test
managedsave test --running --paused
managedsave test --paused --bypass-cache
start test
domstate test --reason
managedsave 1
start test --force-boot
managedsave test
undefine test
start test
create guest2.xml
managedsave guest2
managedsave-remove guest2
managedsave
managedsave-remove nosuch

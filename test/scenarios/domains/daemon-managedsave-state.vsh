#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ files domains/guest1.xml
#@ mask CPU time: +[0-9.]+s
# what a managed save image changes elsewhere
define guest1.xml
start guest1
managedsave guest1
list --all --managed-save
list --with-managed-save --all --name
list --without-managed-save --all --name
dominfo guest1
domstate guest1 --reason
undefine guest1
start guest1 --force-boot
domstate guest1 --reason
managedsave guest1
start guest1
domstate guest1 --reason
managedsave guest1
undefine guest1 --managed-save
list --all

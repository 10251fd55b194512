#@ args
#@ files domains/guest1.xml
# undefine with storage of a stopped domain
define guest1.xml
undefine guest1 --storage vda,/nowhere.img
undefine guest1 --storage vda --remove-all-storage
undefine guest1 --storage vda
define guest1.xml
undefine guest1 --remove-all-storage --wipe-storage
list --all
undefine test --storage ""
list --all

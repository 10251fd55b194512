#@ args
#@ files domains/guest1.xml domains/guest2.xml
# undefine: flags, refusals and option conflicts
define guest1.xml
define guest2.xml
undefine guest1
list --all --name
undefine guest1
define guest1.xml
start guest1
destroy guest1
undefine guest1 --managed-save
define guest2.xml
undefine guest2 --snapshots-metadata --checkpoints-metadata
define guest2.xml
undefine guest2 --keep-nvram --keep-tpm
undefine test --nvram --keep-nvram
undefine test --tpm --keep-tpm
undefine test --wipe-storage
undefine test --delete-storage-volume-snapshots
undefine test --delete-snapshots
undefine test --remove-all-storage
undefine test --storage vda
undefine 1
list --all
undefine
undefine nosuch

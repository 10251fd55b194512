#@ env VISUAL=sed -i s/virbr0/virbr9/
# net-edit changes the persistent definition; the live one stays
net-edit default
net-dumpxml default
net-destroy default
net-dumpxml default
net-edit default
net-edit nope
net-edit

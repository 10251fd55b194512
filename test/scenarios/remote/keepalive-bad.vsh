#@ args -q -k 2147483648
#@ argv list --name

#@ args -q -k 0 -K 0
#@ argv list --name

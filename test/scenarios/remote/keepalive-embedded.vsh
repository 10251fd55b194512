#@ args -q -K 0
#@ argv list --name

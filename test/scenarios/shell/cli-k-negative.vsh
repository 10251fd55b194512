#@ args -q -k -1
#@ argv echo ok

#@ args -q -k -0
#@ argv echo ok

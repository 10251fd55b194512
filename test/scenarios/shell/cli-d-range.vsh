#@ args -q -d 5
#@ argv echo ok

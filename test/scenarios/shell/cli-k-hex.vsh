#@ args -q -K 0x10
#@ argv echo ok

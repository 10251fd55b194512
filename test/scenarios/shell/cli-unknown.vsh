#@ args -q --bogus
#@ argv echo ok

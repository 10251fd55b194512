#@ args -q -l /nonexistent-dir/vsh.log
#@ argv echo hi

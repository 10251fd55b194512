#@ args -q --debug=x
#@ argv echo ok

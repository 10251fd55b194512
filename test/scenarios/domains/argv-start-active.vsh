#@ argv start test

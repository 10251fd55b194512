#@ argv cd /

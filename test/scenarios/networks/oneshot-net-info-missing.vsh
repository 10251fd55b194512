#@ argv net-info nope

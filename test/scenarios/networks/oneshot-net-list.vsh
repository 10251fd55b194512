#@ argv net-list --all

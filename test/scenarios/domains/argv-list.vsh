#@ argv list --all --name

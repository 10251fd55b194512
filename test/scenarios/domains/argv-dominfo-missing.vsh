#@ argv dominfo nosuch

#@ argv echo a b "c d"

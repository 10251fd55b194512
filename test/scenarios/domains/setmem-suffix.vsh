#@ args
# a malformed unit suffix
setmem test 1.5G
setmaxmem test 1Q

#@ args
#@ mask CPU time: +[0-9.]+s
# setmem and setmaxmem: sizes, units, flags and errors
setmem test 1048576
dominfo test
setmem test 1G --live
setmem test 512M --config
setmem test 2G --current
setmem test --kilobytes 2048
setmem --size 4096 test
setmem test 1025b
setmem test 1G --current --live
setmem test 1G --current --config
setmem test abc
setmem test -5
setmem test 99999999999999999999
setmem test 0
setmem test 9G
setmem test
setmem
setmaxmem test 4G
setmaxmem test 4G --live
setmaxmem test 4G --config
setmaxmem test 0
setmaxmem test abc
setmaxmem test 1G --current --live
dumpxml test --inactive --xpath //memory
destroy test
setmem test 1025
setmem test 1025 --config
setmaxmem test 6G
dominfo test

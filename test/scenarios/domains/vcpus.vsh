#@ args
#@ mask CPU time: +[0-9.]+s
# setvcpus, vcpucount and vcpuinfo
vcpucount test
vcpuinfo test
vcpuinfo test --pretty
setvcpus test 1
vcpucount test
vcpucount test --maximum
vcpucount test --active
vcpucount test --live
vcpucount test --config
vcpucount test --current
vcpucount test --maximum --live
vcpucount test --active --config
vcpucount test --current --maximum
vcpucount test --guest
vcpucount test --maximum --active
vcpucount test --live --config
vcpucount test --current --live
vcpucount test --guest --config
setvcpus test 0
setvcpus test -1
setvcpus test abc
setvcpus test 3
setvcpus test 2 --maximum
setvcpus test 2 --maximum --config
setvcpus test 1 --guest
setvcpus test 1 --guest --config
setvcpus test 1 --config
setvcpus test 2 --live
setvcpus test 1 --hotpluggable
setvcpus test 1 --current --live
setvcpus --count 2 --domain test --current
vcpucount test
destroy test
vcpucount test
vcpuinfo test
vcpuinfo test --pretty
setvcpus test 1 --live
setvcpus
vcpucount nosuch
vcpuinfo

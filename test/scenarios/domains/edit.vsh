#@ args
#@ env VISUAL=sed -i /vcpu/s/2/1/
# edit changes the persistent definition
edit test
vcpucount test
dumpxml test --inactive --xpath //vcpu
edit test
edit nosuch
edit

#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files storage/vol.xml
#@ mask [0-9]+\.[0-9]{2} GiB
#@ mask <([amcb]time)>[0-9.]+</
#@ mask UUID: +[0-9a-f-]+
# a real dir pool in the daemon's directory: build, start, volumes
pool-define-as p dir --target {dir}/pool
pool-build p
pool-build p --overwrite --no-overwrite
pool-start p
pool-autostart p
pool-list --all --details
pool-info p
pool-dumpxml p --xpath //target/path
pool-dumpxml p --inactive --xpath //capacity
vol-create-as p raw1 1M
vol-create-as p raw1 1M
vol-create-as p q1 16M --format qcow2
vol-create-as p q2 16M --format qcow2 --backing-vol q1
vol-create-as p s1 2M --allocation 0
vol-create-as p bad 1M --format qcow2 --backing-vol nosuch
vol-list p --details
vol-info q1 --pool p
vol-info q1 --pool p --physical
vol-info q2 --pool p --bytes
vol-dumpxml q2 --pool p --xpath //backingStore/path
vol-dumpxml q1 --pool p --xpath //format --wrap
vol-key q1 --pool p
vol-path {dir}/pool/q1
vol-name {dir}/pool/q1
vol-pool {dir}/pool/q1
vol-clone q1 q3 --pool p
vol-clone q3 q1 --pool p
vol-create-from p vol.xml raw1 --inputpool p
vol-info v1 --pool p
vol-delete q3 --pool p
vol-delete q3 --pool p
pool-refresh p
vol-list p
pool-destroy p
vol-list p
pool-delete p
pool-undefine p
pool-list --all

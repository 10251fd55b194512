#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files storage/dir-pool.xml
# vol-resize and vol-wipe on real raw and qcow2 volumes
pool-create dir-pool.xml --build
vol-create-as p raw1 1M
vol-create-as p q1 1M --format qcow2
vol-resize raw1 2M --pool p
vol-resize raw1 -1M --pool p
vol-resize raw1 -1M --pool p --shrink
vol-resize raw1 512K --pool p --shrink
vol-resize raw1 1M --pool p --delta --allocate
vol-resize raw1 1M --pool p
vol-info raw1 --pool p --bytes
vol-resize q1 4M --pool p
vol-resize q1 1M --pool p --shrink
vol-info q1 --pool p --bytes
vol-wipe raw1 --pool p
vol-wipe raw1 --pool p --algorithm zero
vol-wipe raw1 --pool p --algorithm nnsa
vol-wipe raw1 --pool p --algorithm trim
vol-wipe q1 --pool p
vol-wipe raw1 --pool p --algorithm bogus
vol-info raw1 --pool p --bytes
pool-destroy p

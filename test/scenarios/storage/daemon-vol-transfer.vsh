#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files storage/dir-pool.xml storage/vol.xml
# vol-upload and vol-download through the daemon: the downloaded bytes
# of vol.xml define a volume, so they came back as they went up
pool-create dir-pool.xml --build
vol-create-as p raw1 1M
vol-upload raw1 vol.xml --pool p
vol-download raw1 out.xml --pool p --length 91
vol-create p out.xml
vol-info v1 --pool p --bytes
vol-upload raw1 vol.xml --pool p --offset 4096 --sparse
vol-download raw1 out2.xml --pool p --offset 4096 --length 91 --sparse
vol-delete v1 --pool p
vol-create p out2.xml
vol-download raw1 whole.bin --pool p --sparse
vol-download raw1 whole.bin --pool p
vol-upload raw1 vol.xml --pool p --offset 2097152
vol-download raw1 x.bin --pool p --offset 2097152
vol-download raw1 nosuch/x.bin --pool p
vol-upload raw1 nosuch.bin --pool p
vol-upload nosuch vol.xml --pool p
vol-download nosuch x.bin --pool p
vol-download {dir}/pool/raw1 y.bin
vol-info raw1 --pool p --bytes
pool-destroy p
vol-upload raw1 vol.xml --pool p

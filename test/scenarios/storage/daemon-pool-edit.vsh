#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files storage/dir-pool.xml
#@ env VISUAL=sed -i '/path/s/pool/moved/'
#@ mask [0-9]+\.[0-9]{2} GiB
# pool-edit of a persistent dir pool on libvirtd: the new target
# applies once the pool is restarted
pool-define dir-pool.xml
pool-build p
pool-start p
pool-edit p
pool-dumpxml p --xpath //target/path
pool-dumpxml p --inactive --xpath //target/path
pool-destroy p
pool-dumpxml p --xpath //target/path
pool-start p
pool-build p
pool-start p
pool-list --all
pool-destroy p
pool-undefine p
pool-edit p

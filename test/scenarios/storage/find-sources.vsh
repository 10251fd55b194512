#@ files storage/netfs-source.xml storage/vol.xml
# find-storage-pool-sources and find-storage-pool-sources-as
find-storage-pool-sources logical
find-storage-pool-sources netfs
find-storage-pool-sources netfs --srcSpec netfs-source.xml
find-storage-pool-sources logical --srcSpec nosuch.xml
find-storage-pool-sources logical --srcSpec vol.xml
find-storage-pool-sources foo
find-storage-pool-sources dir
find-storage-pool-sources
find-storage-pool-sources-as netfs
find-storage-pool-sources-as netfs --host h
find-storage-pool-sources-as netfs --host h --port 1 --initiator iqn
find-storage-pool-sources-as logical --host h
find-storage-pool-sources-as iscsi --host h
find-storage-pool-sources-as fs

#@ files storage/vol.xml
# vol-clone, vol-create-from, vol-delete, vol-wipe, vol-resize
vol-create-as default-pool a 1G
vol-create-as default-pool b 10M --allocation 1M --format qcow2
vol-clone b b2
vol-clone /default-pool/b b2
vol-clone b b3 --pool default-pool --print-xml
vol-clone b b2 --pool default-pool
vol-clone b b4 --pool default-pool --prealloc-metadata
vol-clone b b4 --pool default-pool --reflink
vol-clone nosuch b5 --pool default-pool
vol-create-from default-pool vol.xml a
vol-create-from default-pool vol.xml a --inputpool default-pool
vol-create-from default-pool vol.xml a --inputpool default-pool
vol-create-from default-pool nosuch.xml a --inputpool default-pool
vol-create-from nosuch vol.xml a --inputpool default-pool
vol-create-from default-pool vol.xml /default-pool/a --reflink
vol-list default-pool --details
vol-wipe a --pool default-pool
vol-wipe a --pool default-pool --algorithm zero
vol-wipe a --pool default-pool --algorithm foo
vol-wipe a --pool default-pool --algorithm dod
vol-wipe nosuch --pool default-pool --algorithm foo
vol-wipe /default-pool/a --algorithm random
vol-resize a 2G --pool default-pool
vol-resize a -1G --pool default-pool
vol-resize a 1x --pool default-pool
vol-resize a 1x --pool default-pool --shrink
vol-resize a -1G --pool default-pool --shrink
vol-resize a '  -1G' --pool default-pool --shrink --delta
vol-resize a 1G --pool default-pool --allocate --delta
vol-resize nosuch 1G --pool default-pool
vol-resize a
vol-delete a --pool default-pool
vol-delete a --pool default-pool
vol-delete /default-pool/b --delete-snapshots
vol-delete /default-pool/b
vol-delete b2
vol-list default-pool

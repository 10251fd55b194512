#@ files storage/vol.xml storage/vol2.xml
# vol-create, vol-create-as (sizes, formats, backing volumes, XML)
vol-create-as default-pool a 1G
vol-create-as default-pool b 10M --allocation 1M --format qcow2
vol-create-as default-pool c 1G --print-xml --format qcow2
vol-create-as default-pool c 1G --print-xml --backing-vol a
vol-create-as default-pool d 1 --backing-vol /default-pool/a
vol-dumpxml d --pool default-pool
vol-create-as default-pool c 1 --print-xml --backing-vol-format raw
vol-create-as default-pool c 1 --backing-vol a --backing-vol-format q
vol-create-as default-pool c 5M --allocation 5M --format raw
vol-create-as default-pool e 1x
vol-create-as default-pool e 1kb --print-xml
vol-create-as default-pool e 2B --print-xml
vol-create-as default-pool e 2bytes --print-xml
vol-create-as default-pool e 3MiB --print-xml
vol-create-as default-pool e 3mb --print-xml
vol-create-as default-pool e 3xb --print-xml
vol-create-as default-pool e 3kib --print-xml
vol-create-as default-pool e 3kx --print-xml
vol-create-as default-pool e ' +1k' --print-xml --allocation 0
vol-create-as default-pool e 1 --allocation 1y
vol-create-as default-pool e 99999999999999999999G
vol-create-as default-pool e 99999999999G
vol-create-as default-pool e 20EiB
vol-create-as default-pool e 2EiB
vol-create-as default-pool e -1
vol-create-as default-pool e ''
vol-create-as default-pool e 1 --format ''
vol-create-as default-pool e 1 --backing-vol nosuch
vol-create-as default-pool e 1 --backing-vol nosuch --print-xml
vol-create-as default-pool '<e>' 1 --print-xml
vol-create-as dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566 e 1
vol-create-as default-pool e 1 --prealloc-metadata
vol-create-as nosuch e 1
vol-create-as default-pool a 1
vol-create-as default-pool
vol-create default-pool vol.xml
vol-create default-pool vol.xml
vol-create default-pool vol2.xml --prealloc-metadata
vol-create default-pool nosuch.xml
vol-create nosuch vol2.xml
vol-list default-pool
vol-list default-pool --details

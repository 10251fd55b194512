# vol-info, vol-dumpxml, vol-name, vol-path, vol-key, vol-pool, and
# how a volume is found: by name in --pool, by key, by path
vol-create-as default-pool b 10M --allocation 1M --format qcow2
vol-info b --pool default-pool
vol-info /default-pool/b
vol-info /default-pool/b --bytes
vol-info /default-pool/b --physical
vol-info b
vol-info b --pool nosuch
vol-info nosuch --pool default-pool
vol-info default-pool/../x
vol-info b --pool dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566
vol-info
vol-dumpxml b --pool default-pool
vol-dumpxml /default-pool/b --xpath //format
vol-dumpxml /default-pool/b --xpath //capacity/text() --wrap
vol-dumpxml /default-pool/b --xpath ''
vol-dumpxml nosuch
vol-name /default-pool/b
vol-name b
vol-name b --pool default-pool
vol-path b --pool default-pool
vol-path /default-pool/b
vol-path b
vol-key b --pool default-pool
vol-key /default-pool/b
vol-key b
vol-pool /default-pool/b
vol-pool /default-pool/b --uuid
vol-pool b
vol-list default-pool
vol-list dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566 --details
vol-list nosuch
vol-list
pool-define-as p1 dir --target /p1
vol-list p1
vol-info b --pool p1
pool-start p1
vol-create-as p1 b 1M
vol-info /default-pool/b --pool p1
vol-info b --pool p1
vol-list p1 --details
pool-destroy p1
vol-info /p1/b

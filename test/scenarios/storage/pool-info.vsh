#@ mask [0-9a-f]{8}-(?!28fb-)[0-9a-f-]{27}
# pool-info, pool-uuid, pool-name, pool-dumpxml and pool-capabilities
pool-info default-pool
pool-info default-pool --bytes
pool-info dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566
pool-info nosuch
pool-info
pool-define-as p1 dir --target /p1
pool-info p1
pool-info p1 --bytes
pool-uuid default-pool
pool-uuid dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566
pool-uuid nosuch
pool-name dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566
pool-name dfda1e8c-ee50-4ac0-8d19-6ec2ed3f8e36
pool-name default-pool
pool-dumpxml default-pool
pool-dumpxml dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566
pool-dumpxml default-pool --inactive
pool-dumpxml default-pool --xpath //path
pool-dumpxml default-pool --xpath //target/path/text()
pool-dumpxml default-pool --xpath //capacity/@unit --wrap
pool-dumpxml default-pool --xpath //nothing --wrap
pool-dumpxml default-pool --xpath ''
pool-dumpxml p1
pool-dumpxml nosuch
pool-capabilities

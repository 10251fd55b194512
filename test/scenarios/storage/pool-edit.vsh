#@ env VISUAL=sed -i s,/default-pool,/elsewhere,
# pool-edit: a running pool's definition is kept while it runs
pool-edit default-pool
pool-dumpxml default-pool
pool-destroy default-pool
pool-dumpxml default-pool
pool-edit nosuch

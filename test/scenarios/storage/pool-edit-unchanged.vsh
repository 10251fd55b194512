#@ env VISUAL=true
# pool-edit without a change
pool-edit default-pool
pool-define-as p1 dir --target /p1
pool-edit p1

#@ args
#@ files domains/guest1.xml
# domrename of inactive and active domains
domrename test t2
define guest1.xml
domrename guest1 renamed
list --all --name
domrename 11111111-2222-3333-4444-555555555555 guest1
domrename 1 x
domrename guest1 test
domrename guest1
domrename
domrename nosuch x

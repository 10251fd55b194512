#@ files domains/guest1.xml
# conversions between names, IDs and UUIDs
domid test
domid 6695eb01-f6a4-8304-79aa-97f2502e193f
domid 1
domname 1
domname 6695eb01-f6a4-8304-79aa-97f2502e193f
domname test
domuuid test
domuuid 1
domuuid 6695eb01-f6a4-8304-79aa-97f2502e193f
define guest1.xml
domid guest1
domuuid guest1
domname 11111111-2222-3333-4444-555555555555
domid
domname
domuuid
domid nosuch
domname 99
domuuid nosuch
domname +1
domname " 1"
domname 01
domname -1

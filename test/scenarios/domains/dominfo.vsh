#@ files domains/guest1.xml
#@ mask CPU time: +[0-9.]+s
# dominfo by name, ID and UUID
dominfo test
dominfo 1
dominfo 6695eb01-f6a4-8304-79aa-97f2502e193f
dominfo --domain test
dominfo --domain=test
define guest1.xml
dominfo guest1
dominfo 11111111-2222-3333-4444-555555555555
autostart guest1
start guest1
dominfo guest1
dominfo
dominfo nosuch
dominfo 42
dominfo 11111111-2222-3333-4444-555555555556
dominfo test extra
dominfo ""

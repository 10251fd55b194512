#@ args
#@ files domains/guest2.xml
# undefine --nvram, a flag the test driver refuses
define guest2.xml
undefine 22222222-3333-4444-5555-666666666666 --nvram
list --all --name

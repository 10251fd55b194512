#@ files domains/guest1.xml
# dumpxml of a defined domain
define guest1.xml
dumpxml guest1
dumpxml guest1 --inactive
dumpxml guest1 --xpath "//disk[@device='cdrom']/source"
dumpxml guest1 --xpath //interface/target --wrap

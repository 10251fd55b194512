#@ args
#@ files domains/guest1.xml
# domblklist and domblkinfo
domblklist test
domblklist test --inactive
domblklist test --details
domblklist 1 --details --inactive
domblkinfo test vda
domblkinfo test --device vda --human
domblkinfo test vda --human
domblkinfo test --all
domblkinfo test --all --human
domblkinfo test --all vda
domblkinfo test
domblkinfo test vdb
define guest1.xml
domblklist guest1
domblklist guest1 --details
domblkinfo guest1 --all
domblkinfo guest1 hdc
domblklist
domblklist nosuch
domblkinfo nosuch vda
domblkinfo test ""
domblkinfo test "" --all

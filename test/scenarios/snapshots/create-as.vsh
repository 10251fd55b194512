#@ mask [0-9]{10}
#@ mask \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}
# snapshot-create-as: names, descriptions, accepted/refused flags
snapshot-create-as test s1 "first snapshot"
snapshot-create-as test --name s2 --description "a <b> & 'c'"
snapshot-create-as test s3 --quiesce --atomic --live --validate
snapshot-create-as test s4 --disk-only
snapshot-create-as test s4 --no-metadata
snapshot-create-as test s4 --reuse-external
snapshot-create-as test s1
snapshot-create-as test
snapshot-list test --parent
snapshot-dumpxml test s2
snapshot-create-as test s5 --diskspec vda,snapshot=internal
snapshot-create-as test s5 --diskspec /guest/diskimage1
snapshot-create-as test s5 --diskspec vda,snapshot=no
snapshot-create-as test s5 --diskspec vdz
snapshot-create-as test s5 --diskspec vda --diskspec vda
snapshot-create-as test s5 vda vdb
snapshot-create-as test s5 --diskspec vda,file=/tmp/x.qcow2
snapshot-create-as test s5 --memspec /tmp/mem
snapshot-create-as test s5 --memspec snapshot=bogus
snapshot-create-as test s5 --memspec snapshot=external
snapshot-create-as test s5 --memspec snapshot=manual
snapshot-create-as test s5 --memspec snapshot=no
snapshot-dumpxml test s5 --xpath /domainsnapshot/memory
snapshot-create-as test s6 --halt
domstate test --reason
snapshot-create-as test s7 --halt
domstate test --reason
snapshot-create-as nope s8
snapshot-create-as
snapshot-create-as test --name ""
snapshot-list test --tree

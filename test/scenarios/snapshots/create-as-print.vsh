# snapshot-create-as --print-xml: the XML built from options
snapshot-create-as test --print-xml
snapshot-create-as test --print-xml s1 "d e" --no-metadata --halt
snapshot-create-as test --print-xml --name "a'b<" --description "x&y"
snapshot-create-as test --print-xml --memspec /tmp/m
snapshot-create-as test --print-xml --memspec snapshot=external,file=/
snapshot-create-as test --print-xml --memspec file=/m,snapshot=no
snapshot-create-as test --print-xml --memspec snapshot=a<,file=/x<
snapshot-create-as test --print-xml --memspec snapshot=
snapshot-create-as test --print-xml --memspec file=/a,/b
snapshot-create-as test --print-xml --memspec rel
snapshot-create-as test --print-xml --memspec ""
snapshot-create-as test --print-xml vda,snapshot=external,file=/x vdb
snapshot-create-as test --print-xml vda,driver=qcow2 vdb,snapshot=no
snapshot-create-as test --print-xml vda,stype=block,file=/dev/x
snapshot-create-as test --print-xml vdb,stype=file,snapshot=no
snapshot-create-as test --print-xml "vdc,file=/a,,b"
snapshot-create-as test --print-xml vda,snapshot=a<b,driver=c<d
snapshot-create-as test --print-xml vdb,snapshot=
snapshot-create-as test --print-xml vda,stype=network,file=/x
snapshot-create-as test --print-xml vda,stype=file,stype=block
snapshot-create-as test --print-xml --diskspec vda,bad
snapshot-create-as test --print-xml --diskspec ""
snapshot-create-as nope --print-xml
snapshot-list test --name

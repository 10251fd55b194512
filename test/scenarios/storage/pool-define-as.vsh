#@ mask with uuid [0-9a-f-]+
# pool-define-as and pool-create-as: the XML they build, and errors
pool-define-as x dir --print-xml
pool-define-as x dir --print-xml --target /t --source-name n
pool-define-as x netfs --print-xml --source-host h:2 --source-path /p
pool-define-as x disk --print-xml --source-dev /d --source-format f
pool-define-as x iscsi --print-xml --source-initiator iqn --target /t
pool-define-as x fs --source-dev h --source-protocol-ver 3 --print-xml
pool-define-as x scsi --print-xml --adapter-name a --adapter-parent p
pool-define-as x scsi --print-xml --adapter-wwnn 1 --adapter-wwpn 2
pool-define-as x scsi --print-xml --adapter-wwnn 1 --adapter-wwpn 2
pool-define-as x scsi --print-xml --adapter-wwnn 1
pool-define-as x iscsi --print-xml --source-host h --auth-type chap
pool-define-as x dir --print-xml --secret-usage s --secret-uuid u
pool-define-as 'a<b' dir --print-xml --target "/a'b&"
pool-define-as x
pool-define-as --print-xml x
pool-create-as x
pool-define-as x dir --port 3
pool-define-as x dir --target ''
pool-create-as x dir --print-xml --build --overwrite
pool-create-as x dir --overwrite --no-overwrite
pool-define-as p1 dir --target /p1
pool-define-as p1 dir --target /p1b
pool-define-as p2 dir --target /p1
pool-define-as p3 foo
pool-define-as p3 dir
pool-create-as p4 dir --target /p4
pool-create-as p4 dir --target /p4
pool-create-as p5 dir --target /p5 --build
pool-create-as p5 dir --target /p5 --build --overwrite
pool-create-as p5 dir --target /p5 --no-overwrite
pool-list --all --details

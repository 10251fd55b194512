#@ argv pool-define-as x iscsi --print-xml --source-host h --auth-type chap --auth-username u --secret-usage s --source-protocol-ver 4
# pool-define-as: an auth element inside the source

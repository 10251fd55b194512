#@ argv pool-define-as x iscsi --print-xml --auth-type chap --auth-username u --secret-usage s --source-protocol-ver 4
# pool-define-as: auth and protocol alone make no source

#@ argv pool-define-as x iscsi --print-xml --source-name n --auth-type chap --auth-username u --secret-uuid s
# pool-define-as: an auth element with a secret UUID

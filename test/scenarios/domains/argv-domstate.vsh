#@ argv domstate test --reason

#@ argv pool-create-as x dir --print-xml --source-host h:2 --source-path /p --source-dev /d --source-name n --target /t --source-format f --auth-type chap --auth-username u --secret-usage s --adapter-name a --adapter-wwnn 1 --adapter-wwpn 2 --adapter-parent par --source-protocol-ver 3 --source-initiator iqn --build
# pool-create-as: every source option at once

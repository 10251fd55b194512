#@ files domains/guest1.xml
# domstate and its reasons through a life cycle
domstate test
domstate test --reason
suspend test
domstate test --reason
resume test
domstate test --reason
shutdown test
domstate test --reason
start test
domstate 2 --reason
destroy test
domstate test --reason
define guest1.xml
domstate guest1 --reason
start guest1
domstate guest1 --reason
domstate
domstate nosuch
domstate test --reason --reason

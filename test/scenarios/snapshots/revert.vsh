#@ files snapshots/tr.xml snapshots/tr-off.xml
# snapshot-revert: recorded state, or --running/--paused
snapshot-create-as test run
suspend test
snapshot-create-as test pause
resume test
snapshot-revert test pause
domstate --reason test
snapshot-revert test run
domstate --reason test
snapshot-revert test pause --running
domstate --reason test
snapshot-revert test run --paused
domstate --reason test
snapshot-current test --name
destroy test
snapshot-create-as test off
start test
snapshot-revert test off
domstate --reason test
snapshot-revert test off --running
snapshot-revert test run
snapshot-revert test off --paused --force
domstate --reason test
snapshot-revert test off --running
domstate --reason test
snapshot-revert test pause
domstate --reason test
snapshot-revert test --current
snapshot-current test --name
snapshot-revert test run --paused --running
snapshot-revert test run --reset-nvram
snapshot-revert test
snapshot-revert test run --current
snapshot-revert test zz
snapshot-revert nope run
create tr.xml
snapshot-create test tr-off.xml --redefine
snapshot-create tr tr-off.xml --redefine
snapshot-revert tr off
snapshot-revert tr off --running
snapshot-revert tr off --running --force
list --all
snapshot-revert tr off
snapshot-create-as tr x --halt
snapshot-revert

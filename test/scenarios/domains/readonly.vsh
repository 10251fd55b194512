#@ args -q -r
#@ mask CPU time: +[0-9.]+s
# a read-only connection reads but does not change
list --all
dominfo test
dumpxml test --inactive
dumpxml test --security-info
suspend test
destroy test
setmem test 1G
desc test hello
autostart test

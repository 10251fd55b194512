#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ args
#@ files domains/guest1.xml domains/guest2.xml domains/broken.xml
#@ mask CPU time: +[0-9.]+s
# domain commands through a daemon's test driver
list
list --all
list --name
list --uuid --all
list --inactive
list --table --title
dominfo test
dominfo 1
dominfo 6695eb01-f6a4-8304-79aa-97f2502e193f
dominfo nosuch
domstate test
domstate test --reason
domid test
domname 1
domuuid test
domid nosuch
dumpxml test
dumpxml test --inactive --security-info
define guest1.xml
define guest2.xml
define broken.xml
define nosuch.xml
list --all
dominfo guest1
dumpxml guest1
start guest1
start guest1
dominfo guest1
list --all
suspend guest1
domstate guest1 --reason
suspend guest1
resume guest1
resume guest1
domstate guest1 --reason
destroy guest1
destroy guest1
domstate guest1 --reason
undefine guest1
undefine guest1
undefine guest2
list --all
start nosuch
destroy
suspend 42

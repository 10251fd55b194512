#@ args
#@ mask CPU time: +[0-9.]+s
#@ files domains/guest1.xml domains/guest2.xml
# create: transient domains from files
create guest1.xml
list --all
dominfo guest1
create guest1.xml
create guest2.xml --paused
create guest2.xml --autodestroy
create guest2.xml --reset-nvram
create guest2.xml --pass-fds 3,x
create guest2.xml --pass-fds ""
create guest2.xml --console
destroy guest2
list --all
create
create nosuch.xml

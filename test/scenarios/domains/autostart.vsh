#@ args
#@ mask CPU time: +[0-9.]+s
#@ files domains/guest2.xml
# autostart on and off, persistent and transient
autostart test
dominfo test
list --autostart
autostart test --disable
autostart 1 --disable
list --no-autostart
create guest2.xml
autostart guest2
autostart guest2 --disable
autostart
autostart nosuch --disable

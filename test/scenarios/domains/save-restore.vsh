#@ args
#@ daemon
#@ uri test+unix:///default?socket={socket}
# save and restore through a file
save test s1.img
list --all
domstate test --reason
restore s1.img
domstate test --reason
restore s1.img --paused
restore s1.img --running
restore s1.img --bypass-cache
restore s1.img --reset-nvram
restore s1.img --running --paused
restore s1.img --xml nosuch.xml
restore nosuch.img
restore s1.img
save 1 s2.img --running --paused
save 1 s2.img --xml nosuch.xml
save test /nonexistent/s.img
save test s2.img --bypass-cache
destroy test
save test s3.img
save
save test
restore

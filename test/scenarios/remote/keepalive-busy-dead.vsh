#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ args -q -k 1 -K 1
# keepalive drops a frozen daemon mid-command, then the daemon dies
suspend test
#@@ sigstop
dominfo test
#@@ kill
domstate test
domstate test

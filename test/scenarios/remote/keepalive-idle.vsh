#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ args -q -k 1 -K 2
# a daemon that stops answering while the shell waits for input
domstate test
#@@ sigstop
#@@ sleep 4500
#@@ sigcont
echo after
domstate test
suspend test

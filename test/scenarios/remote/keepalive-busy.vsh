#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ args -q -k 1 -K 1
# a daemon that stops answering while a command waits for it
suspend test
#@@ sigstop
dominfo test
#@@ sigcont
domstate test
list

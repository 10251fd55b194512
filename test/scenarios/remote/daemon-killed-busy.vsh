#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ args -q -k 0
# the daemon dies while a command waits for its answer
domstate test
#@@ sigstop
#@@ later 1000 kill
dominfo test
echo gone
#@@ restart
domstate test
dominfo nosuch

#@ daemon
#@ uri test+unix:///default?socket={socket}
# the daemon dies between commands, then comes back
domstate test
suspend test
#@@ kill
echo still here
domstate test
list --all
uri
#@@ restart
domstate test
list --all
#@@ restart
domstate test
list --all

#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ args -q -k 0
# -k 0 turns keepalive off: a frozen daemon is waited for
domstate test
#@@ sigstop
#@@ sleep 2500
#@@ sigcont
domstate test

#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ args -q -k 2 -K 3
# keepalive: the embedded driver refuses it, a daemon accepts it
connect test:///default
uri
domstate test
connect test+unix:///default?socket=sock
domstate test

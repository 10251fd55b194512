#@ daemon
#@ uri test+unix:///default?socket={socket}
# connection commands over the daemon's UNIX socket
uri
hostname
version
version --daemon
connect test:///default
uri
connect test+unix:///default?socket=sock
uri
connect test+unix:///default?socket=sock --readonly
suspend test
domstate test
connect test+unix:///default?socket=nosuch
uri
connect
uri

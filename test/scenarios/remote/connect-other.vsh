#@ daemon
#@ uri test+unix:///default?socket={socket}
# connect elsewhere and back; a failed connect keeps the old URI
suspend test
connect test:///default
domstate test
connect qemu+unix:///system?socket=sock
uri
list --all
connect test+unix:///default?socket=sock --readonly
domstate test
resume test
connect test+unix:///default?socket=nosuch
uri
resume test
connect
uri
connect test+unix:///default?socket=sock
resume test
connect nosuch://
uri

#@ daemon
#@ uri test+unix:///default?socket={dir}/nosuch
#@ argv list

#@ args -q --keepalive-interval=x
#@ argv echo ok

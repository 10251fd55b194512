#@ argv nodeinfo

#@ argv net-dumpxml default --xpath //range --wrap

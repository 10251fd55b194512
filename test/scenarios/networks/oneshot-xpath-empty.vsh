#@ argv net-dumpxml default --xpath ""

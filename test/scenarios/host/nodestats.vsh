# nodecpustats (constant here) and nodememstats (unsupported)
nodecpustats
nodecpustats --cpu 0
nodecpustats --cpu 100
nodecpustats --cpu -1
nodecpustats --cpu -5
nodecpustats --cpu x
nodecpustats 3
nodememstats
nodememstats --cell 0
nodememstats --cell -1
nodememstats --cell -5
nodememstats --cell x

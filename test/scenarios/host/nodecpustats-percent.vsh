# --percent samples twice, a second apart
nodecpustats --percent
nodecpustats --cpu 2 --percent

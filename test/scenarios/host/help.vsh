# help texts of the host commands
help nodeinfo
help capabilities
help sysinfo
help freecell
help nodememstats
help nodecpustats
help domcapabilities
help maxvcpus
help nodecpumap
help nodesuspend
help cpu-models
help cpu-compare
help cpu-baseline

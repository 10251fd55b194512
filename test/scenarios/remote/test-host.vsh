#@ daemon
#@ uri test+unix:///default?socket={socket}
# host commands through a daemon's test driver
nodeinfo
capabilities
maxvcpus
maxvcpus --type test
freecell
freecell --all
freecell --cellno 1
freecell --cellno 9
sysinfo
nodememstats
nodecpustats
nodecpumap
node-memory-tune
domcapabilities
cpu-models x86_64

#@ daemon
#@ uri test+unix:///default?socket={socket}
#@ files host/cpu-pentium.xml host/cpu-two.xml
# host commands through libvirtd's own test driver
nodeinfo
freecell --all
freecell --cellno 1
nodecpustats --cpu 1
nodememstats
maxvcpus
nodecpumap --pretty
cpu-models i686
cpu-baseline cpu-pentium.xml
cpu-baseline cpu-two.xml
cpu-compare cpu-pentium.xml
nodesuspend mem 60
sysinfo

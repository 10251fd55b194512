#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ files remote/qemu-guest.xml
#@ image qcow2 tcg1.qcow2 64M
#@ mask CPU time: +[0-9.]+s
#@ mask (rd|wr|flush)_(req|bytes|total_times) [0-9]+
#@ mask CPU Affinity: +[-y]+
#@ mask rss [0-9]+
#@ mask CPU: {12}[0-9]+
# more of a running TCG guest: XML, ids, vcpus, memory, stats
define qemu-guest.xml
dumpxml tcg1 --inactive
start tcg1 --paused
domstate tcg1 --reason
dumpxml tcg1
domid tcg1
domname 1
domuuid tcg1
domname 7a1b2c3d-0000-4000-8000-000000000001
vcpucount tcg1
vcpuinfo tcg1
setvcpus tcg1 2
setmem tcg1 32768
setmaxmem tcg1 32768
dommemstat tcg1
domblkstat tcg1 vda
domblkstat tcg1 vdb
domifstat tcg1 vnet9
resume tcg1
reset tcg1
shutdown tcg1
autostart tcg1
dominfo tcg1
autostart tcg1 --disable
desc tcg1 --title short
desc tcg1 --title
save tcg1 tcg1.save
domstate tcg1 --reason
restore tcg1.save
domstate tcg1 --reason
managedsave tcg1
dominfo tcg1
start tcg1
domstate tcg1 --reason
destroy tcg1
undefine tcg1

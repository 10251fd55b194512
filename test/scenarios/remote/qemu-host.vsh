#@ daemon
#@ uri qemu+unix:///system?socket={socket}
#@ mask [0-9]+ KiB
#@ mask (total|free|buffers|cached|user|system|idle|iowait) *: +\S+
#@ mask <uuid>[-0-9a-f]+</uuid>
# the host through the QEMU driver (one host: the same answers)
capabilities
domcapabilities
domcapabilities --virttype qemu --arch x86_64 --machine pc
maxvcpus
maxvcpus --type qemu
freecell
freecell --all
nodecpumap
nodememstats
nodecpustats
cpu-models x86_64
node-memory-tune

# maxvcpus, nodecpumap, node-memory-tune, nodesuspend
maxvcpus
maxvcpus --type test
maxvcpus --type ""
nodecpumap
nodecpumap --pretty
nodecpumap extra
node-memory-tune
node-memory-tune --shm-pages-to-scan 10
node-memory-tune --shm-pages-to-scan -1
node-memory-tune --shm-sleep-millisecs x
node-memory-tune --shm-merge-across-nodes 1
nodesuspend mem 60
nodesuspend bogus 60
nodesuspend mem -1
nodesuspend mem x
nodesuspend bogus x
nodesuspend disk 0
nodesuspend hybrid 10
nodesuspend

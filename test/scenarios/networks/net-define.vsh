#@ files networks/net1.xml networks/net2.xml
#@ files networks/broken.xml networks/noname.xml
# net-define and net-create, redefinition and their failures
net-define net1.xml
net-list --all
net-define net1.xml
net-define --file net1.xml
net-create net1.xml
net-start net1
net-create net1.xml
net-create net2.xml
net-create net2.xml
net-info net2
net-dumpxml net2
net-define broken.xml
net-create broken.xml
net-define noname.xml
net-define missing.xml
net-create missing.xml
net-define
net-create
net-list --all

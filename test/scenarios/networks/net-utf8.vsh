#@ files networks/utf8.xml
# non-ASCII names and escaped characters, in XML and --xpath output
net-define utf8.xml
net-dumpxml réseau
net-dumpxml réseau --xpath /network/name
net-dumpxml réseau --xpath //bridge/@name
net-dumpxml réseau --xpath //bridge --wrap
net-list --all --name
net-info réseau
net-uuid réseau
net-undefine réseau

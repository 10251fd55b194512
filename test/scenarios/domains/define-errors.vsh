#@ files domains/broken.xml domains/noos.xml
# documents the driver refuses
define broken.xml
create broken.xml
define noos.xml
list --all --name

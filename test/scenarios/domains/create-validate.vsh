#@ args
#@ files domains/guest2.xml
# create --validate
create --file guest2.xml --validate
list --all --name

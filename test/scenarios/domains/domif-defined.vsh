#@ args
#@ files domains/guest2.xml
# domiflist of a defined domain
define guest2.xml
domiflist guest2
domiflist guest2 --inactive

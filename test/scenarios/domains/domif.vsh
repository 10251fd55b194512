#@ args
# domiflist
domiflist test
domiflist test --inactive
domiflist 1
domiflist
domiflist nosuch

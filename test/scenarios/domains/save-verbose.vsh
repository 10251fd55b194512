#@ args
#@ daemon
#@ uri test+unix:///default?socket={socket}
# save and managedsave report progress with --verbose
save test s1.img --verbose
restore s1.img
managedsave test --verbose

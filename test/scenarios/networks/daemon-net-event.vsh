#@ daemon
#@ uri test+unix:///default?socket={socket}
# net-event through libvirtd: registration, a timed-out wait
net-event --event lifecycle --timeout 1
net-event nope --event lifecycle --timeout 1 --loop

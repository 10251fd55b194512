# net-event: listing, argument errors and a wait that times out
net-event --list
net-event --list --event bogus
net-event
net-event --event bogus
net-event --event lifecycle --timeout 0
net-event --event lifecycle --timeout x
net-event --event lifecycle --timeout -1
net-event --event lifecycle --timeout 2147484
net-event nope --event lifecycle --timeout 1
net-event default --event lifecycle --timeout 1 --timestamp

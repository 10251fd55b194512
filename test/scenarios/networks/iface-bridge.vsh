# iface-bridge and iface-unbridge stop where the test driver refuses
# the inactive XML; their own checks come first
iface-bridge eth1 br0
iface-bridge eth1 br1 --no-stp --no-start
iface-bridge eth1 br4 --delay 5
iface-bridge eth1 br4 --delay x
iface-bridge eth1 br4 --delay -1
iface-bridge nope br2
iface-bridge aa:bb:cc:dd:ee:ff br2
iface-bridge eth1 eth1
iface-bridge eth1
iface-bridge
iface-unbridge eth1
iface-unbridge eth1 --no-start
iface-unbridge nope
iface-unbridge
iface-list --all

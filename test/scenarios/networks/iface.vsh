# iface-list, -name, -mac and -dumpxml on the driver's eth1
iface-list
iface-list --inactive
iface-list --all
iface-list --all --inactive
iface-name aa:bb:cc:dd:ee:ff
iface-name AA:BB:CC:DD:EE:FF
iface-name 00:11:22:33:44:55
iface-name eth1
iface-name a:b:c:d:e:f
iface-mac eth1
iface-mac nope
iface-mac aa:bb:cc:dd:ee:ff
iface-dumpxml eth1
iface-dumpxml aa:bb:cc:dd:ee:ff
iface-dumpxml eth1 --inactive
iface-dumpxml 00:11:22:33:44:55
iface-dumpxml nope
iface-dumpxml eth1 --xpath //mac/@address
iface-dumpxml eth1 --xpath '//protocol' --wrap
iface-dumpxml eth1 --xpath 'count(//ip)'
iface-name
iface-mac
iface-dumpxml
iface-mac eth1 eth2

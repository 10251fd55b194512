#@ env VISUAL=sed -i s/1492/1500/
# iface-edit asks for the inactive XML: the test driver refuses
iface-edit eth1
iface-edit nope
iface-edit

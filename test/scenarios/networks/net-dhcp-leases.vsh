# net-dhcp-leases: the test driver has no DHCP server
net-dhcp-leases default
net-dhcp-leases default --mac 52:54:00:00:00:01
net-dhcp-leases nope
net-dhcp-leases

# empty option values are refused before any lookup
net-info ""
iface-mac ""
net-list --table --table
net-dumpxml default --xpath ""
net-update default add ip ""
net-dhcp-leases default --mac ""
freecell --cellno ""

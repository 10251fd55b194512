#@ args
#@ files networks/host4.xml
# net-update's messages name what was changed (without a newline)
net-update default add ip-dhcp-host host4.xml
net-update default delete ip-dhcp-host host4.xml --live
net-update default add ip-dhcp-host host4.xml --config
net-update default add-last ip-dhcp-host host4.xml --config --live
net-destroy default
net-update default delete ip-dhcp-host host4.xml

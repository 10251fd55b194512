#@ files networks/host4.xml
# net-update: commands, sections, targets and errors
net-update nope add ip-dhcp-host x --current --live
net-update nope add ip-dhcp-host x --current --config
net-update nope add ip-dhcp-host x
net-update default bogus ip-dhcp-host x
net-update default add bogus x
net-update default none ip x
net-update default add none x
net-update default add ip-dhcp-host x --parent-index abc
net-update default add ip-dhcp-host missing.xml
net-update default add ip-dhcp-host host4.xml
net-update default add ip-dhcp-host host4.xml
net-update default add-first ip-dhcp-host "<host mac='5:4:0:0:0:2'/>"
net-update default delete ip-dhcp-host host4.xml --live
net-update default modify bridge "<bridge name='virbr0'/>"
net-update default add ip-dhcp-host host4.xml --parent-index 5
net-update default add dns-txt "<txt name='t' value='v'/>"
net-dumpxml default
net-update default add ip-dhcp-host host4.xml --config
net-update default add ip-dhcp-host host4.xml --config --live
net-update default add

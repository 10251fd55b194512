#@ files networks/net1.xml
# net-dumpxml, --inactive (refused here), --xpath and --wrap
net-dumpxml default
net-dumpxml dd8fe884-6c02-601e-7551-cca97df1c5df
net-dumpxml default --inactive
net-dumpxml nope
net-dumpxml default --xpath /network/name
net-dumpxml default --xpath //ip/@address
net-dumpxml default --xpath //ip --wrap
net-dumpxml default --xpath '//range/@*'
net-dumpxml default --xpath '/network/name/text()'
net-dumpxml default --xpath '/network/name/text()' --wrap
net-dumpxml default --xpath '//bridge | //name' --wrap
net-dumpxml default --xpath '//*[@stp="on"]'
net-dumpxml default --xpath '/network/*[2]'
net-dumpxml default --xpath '/network/*[last()]/dhcp/..'
net-dumpxml default --xpath '//range/@start' --wrap
net-dumpxml default --xpath '//range/@start | //range/@end' --wrap
net-dumpxml default --xpath '//nothing'
net-dumpxml default --xpath '//nothing' --wrap
net-dumpxml default --xpath '/network/*[name()="forward" or @name]'
net-dumpxml default --xpath '//ip[contains(@address,"122")]//range'
net-dumpxml default --xpath '/'
net-dumpxml default --xpath 'string(/network/name)'
net-dumpxml default --xpath 'count(//range)'
net-dumpxml default --xpath 'true()'
net-dumpxml default --wrap
net-dumpxml default --xpath
net-define net1.xml
net-dumpxml net1
net-dumpxml net1 --xpath '/network/ip' --wrap

#@ files networks/rich.xml
# XPath in --xpath: axes, predicates, functions, unions and --wrap
net-define rich.xml
net-dumpxml rich --xpath //hostname
net-dumpxml rich --xpath //hostname/text() --wrap
net-dumpxml rich --xpath '//host[@name="two"]'
net-dumpxml rich --xpath '//dhcp/host[last()]/@ip'
net-dumpxml rich --xpath '//dhcp/host[position()<2]'
net-dumpxml rich --xpath '//ip[@family="ipv6"]'
net-dumpxml rich --xpath '//ip[not(@family)]/@*' --wrap
net-dumpxml rich --xpath '//*[@port]'
net-dumpxml rich --xpath '//port/ancestor::*'
net-dumpxml rich --xpath '//port/ancestor-or-self::nat'
net-dumpxml rich --xpath '/network/*[3]/following-sibling::*[1]'
net-dumpxml rich --xpath '//dns/preceding-sibling::domain'
net-dumpxml rich --xpath '//dns/*[self::txt or self::srv]'
net-dumpxml rich --xpath '//hostname[.="beta"]/..' --wrap
net-dumpxml rich --xpath '//host[hostname="alpha"]/@ip'
net-dumpxml rich --xpath '//*[count(*)=2]'
net-dumpxml rich --xpath '//*[starts-with(@name,"ex")]'
net-dumpxml rich --xpath '//@*[contains(.,":")]'
net-dumpxml rich --xpath '//range/@start | //range/@end | //mac'
net-dumpxml rich --xpath '(//host)[2]'
net-dumpxml rich --xpath '//dhcp/host[@ip>"192"]'
net-dumpxml rich --xpath '//*[local-name()="nat"]/node()'
net-dumpxml rich --xpath '/network/name | /network/uuid' --wrap
net-dumpxml rich --xpath '//txt/@value' --wrap
net-dumpxml rich --xpath '/network/ip[2]/text()'
net-dumpxml rich --xpath '//forward//*'
net-dumpxml rich --xpath '/*/*[position() mod 4 = 0]'
net-dumpxml rich --xpath 'sum(//port/@start)'

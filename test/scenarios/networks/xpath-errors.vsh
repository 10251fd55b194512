# libxml2 reports a bad XPath itself; virsh then prints nothing
net-dumpxml default --xpath '//['
net-dumpxml default --xpath 'a b'
net-dumpxml default --xpath '/network/['
net-dumpxml default --xpath "'abc"
dumpxml test --xpath '/a]'

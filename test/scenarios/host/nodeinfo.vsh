# nodeinfo: the test driver's node, and a stray argument
nodeinfo
nodeinfo extra
nodeinfo --bogus

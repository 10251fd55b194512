#@ files host/cpu-broken.xml
# a malformed file is reported by the XML parser
cpu-baseline cpu-broken.xml

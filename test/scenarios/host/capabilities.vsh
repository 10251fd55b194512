# capabilities and sysinfo print the driver's XML documents
capabilities
sysinfo
capabilities extra
sysinfo --xpath x

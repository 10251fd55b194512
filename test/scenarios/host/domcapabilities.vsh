# domcapabilities: the test driver does not implement it
domcapabilities
domcapabilities --virttype kvm --arch x86_64
domcapabilities --emulatorbin /usr/bin/qemu-system-x86_64 --machine pc
domcapabilities --virttype

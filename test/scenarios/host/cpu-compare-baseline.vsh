#@ files host/cpu-pentium.xml host/cpu-domain.xml host/cpu-none.xml
#@ files host/cpu-broken.xml host/cpu-two.xml
# cpu-compare (unsupported by the test driver) and cpu-baseline's
# errors; a baseline needs libvirt's CPU map, which vsh lacks
cpu-compare cpu-pentium.xml
cpu-compare cpu-domain.xml --error
cpu-compare cpu-none.xml
cpu-compare missing.xml
cpu-compare
cpu-baseline cpu-two.xml --migratable
cpu-baseline cpu-none.xml
cpu-baseline missing.xml

#@ files host/cpu-pentium.xml host/cpu-domain.xml host/cpu-none.xml
#@ files host/cpu-broken.xml host/cpu-two.xml
# cpu-compare (unsupported by the test driver) and cpu-baseline
cpu-compare cpu-pentium.xml
cpu-compare cpu-domain.xml --error
cpu-compare cpu-none.xml
cpu-compare missing.xml
cpu-compare
cpu-baseline cpu-pentium.xml
cpu-baseline cpu-domain.xml
cpu-baseline cpu-two.xml
cpu-baseline cpu-two.xml --migratable
cpu-baseline cpu-none.xml
cpu-baseline missing.xml

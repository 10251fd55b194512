#@ files snapshots/r-a.xml snapshots/r-a2.xml snapshots/r-b.xml
#@ files snapshots/r-self.xml
#@ files snapshots/r-cycle.xml
#@ files snapshots/r-off.xml
#@ files snapshots/r-memoff.xml
#@ files snapshots/r-orphan.xml
#@ files snapshots/r-notime.xml
#@ files snapshots/r-nostate.xml
#@ files snapshots/r-badstate.xml
#@ files snapshots/r-disk.xml
#@ files snapshots/r-ext.xml
#@ files snapshots/r-shutoff.xml
#@ files snapshots/r-diskauto.xml
#@ files snapshots/r-uuid.xml snapshots/r-noname.xml
# snapshot-create --redefine: full descriptions and their checks
snapshot-create test r-a.xml --redefine
snapshot-current test
snapshot-create test r-b.xml --redefine --current
snapshot-current test --name
snapshot-create test r-a2.xml --redefine
snapshot-dumpxml test a
snapshot-create test r-self.xml --redefine
snapshot-create test r-cycle.xml --redefine
snapshot-create test r-off.xml --redefine
snapshot-create test r-memoff.xml --redefine
snapshot-create test r-orphan.xml --redefine
snapshot-create test r-notime.xml --redefine
snapshot-create test r-nostate.xml --redefine
snapshot-create test r-badstate.xml --redefine
snapshot-create test r-uuid.xml --redefine
snapshot-create test r-noname.xml --redefine
snapshot-create test r-diskauto.xml --redefine
snapshot-create test r-disk.xml --redefine
snapshot-create test r-ext.xml --redefine
snapshot-create test r-shutoff.xml --redefine
snapshot-dumpxml test e
snapshot-list test --parent
snapshot-list test --tree
snapshot-info test d
snapshot-info test e
snapshot-info test f
snapshot-current test --snapshotname d
snapshot-current test --name
snapshot-create test r-a.xml
snapshot-list test --name

#@ mask [0-9]{10}
#@ files snapshots/root.xml snapshots/ignored.xml snapshots/memext.xml
#@ files snapshots/membad.xml
#@ files snapshots/memrel.xml
#@ files snapshots/memfile.xml
#@ files snapshots/diskno.xml
#@ files snapshots/diskbad.xml
#@ files snapshots/disknoname.xml
#@ files snapshots/disktype.xml
#@ files snapshots/diskdrv.xml
#@ files snapshots/diskrel.xml
#@ files snapshots/noname.xml snapshots/extra.xml
#@ files snapshots/unknown.xml
# snapshot-create from files: what is used, what is refused
snapshot-create test ignored.xml
snapshot-dumpxml test n1 --xpath /domainsnapshot/state
snapshot-create test --xmlfile noname.xml
snapshot-create test root.xml
snapshot-create test memext.xml
snapshot-create test membad.xml
snapshot-create test memrel.xml
snapshot-create test memfile.xml
snapshot-create test diskno.xml
snapshot-create test diskbad.xml
snapshot-create test disknoname.xml
snapshot-create test disktype.xml
snapshot-create test diskdrv.xml
snapshot-create test diskrel.xml
snapshot-create test extra.xml
snapshot-create test missing.xml
snapshot-create test unknown.xml --validate
snapshot-create test unknown.xml
snapshot-create test ignored.xml --current
snapshot-create test ignored.xml --disk-only
snapshot-create test ignored.xml --no-metadata --redefine
snapshot-create test ignored.xml --halt --redefine
snapshot-create nope ignored.xml
snapshot-create
snapshot-list test --name

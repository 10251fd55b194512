#@ mask [0-9]{10}
# snapshot-dumpxml: --security-info, --xpath, --wrap, errors
snapshot-create-as test a "with a description"
snapshot-dumpxml test a
snapshot-dumpxml test a --security-info
snapshot-dumpxml test --snapshotname a --xpath //name
snapshot-dumpxml test a --xpath /domainsnapshot/state --wrap
snapshot-dumpxml test a --xpath //disk/@name
snapshot-dumpxml test a --xpath count(//disk)
snapshot-dumpxml test a --xpath /nothing
snapshot-dumpxml test
snapshot-dumpxml test zz
snapshot-dumpxml nope a
snapshot-dumpxml

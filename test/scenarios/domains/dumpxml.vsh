# dumpxml: flags, --xpath and --wrap
dumpxml test
dumpxml 1 --inactive
dumpxml test --security-info
dumpxml test --migratable
dumpxml test --inactive --security-info --migratable
dumpxml test --update-cpu
dumpxml test --xpath //disk
dumpxml test --xpath //disk --wrap
dumpxml test --xpath //name/text()
dumpxml test --xpath //@type
dumpxml test --xpath //@type --wrap
dumpxml test --xpath //nosuch
dumpxml test --xpath //nosuch --wrap
dumpxml test --xpath "//target | //mac"
dumpxml test --xpath "string(//name)"
dumpxml test --xpath "count(//disk)"
dumpxml test --wrap
dumpxml test //disk
dumpxml
dumpxml nosuch
dumpxml test --xpath

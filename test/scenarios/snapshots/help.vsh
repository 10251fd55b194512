# help for the snapshot group and its commands
help snapshot
help snapshot-create
help snapshot-create-as
help snapshot-current
help snapshot-delete
help snapshot-dumpxml
help snapshot-edit
help snapshot-info
help snapshot-list
help snapshot-parent
help snapshot-revert

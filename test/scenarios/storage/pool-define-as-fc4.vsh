#@ argv pool-define-as x scsi --print-xml --adapter-wwnn 1 --adapter-wwpn 2 --adapter-parent-wwnn pw --adapter-parent-fabric-wwn f
# pool-define-as: an fc_host adapter and its parent

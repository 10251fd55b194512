#@ argv pool-define-as x scsi --print-xml --adapter-wwnn 1 --adapter-wwpn 2 --adapter-parent par --adapter-name a
# pool-define-as: an fc_host adapter and its parent

#@ files storage/vol.xml
# vol-upload and vol-download on a driver without streams: option
# and file errors come first, then the driver's refusal
vol-create default-pool vol.xml
vol-upload v1 nosuch --pool default-pool
vol-upload nosuch nosuch --pool default-pool
vol-upload v1 vol.xml --pool default-pool --offset -1
vol-upload v1 vol.xml --pool default-pool --offset x
vol-upload v1 vol.xml --pool default-pool --length 1k
vol-upload v1 vol.xml --pool default-pool --length -1
vol-upload v1 vol.xml --pool default-pool
vol-upload /default-pool/v1 vol.xml --sparse
vol-upload v1
vol-download v1 nosuch/x --pool default-pool
vol-download v1 out.bin --pool default-pool --sparse
vol-download v1 out.bin --pool default-pool --offset 1 --length 2
vol-download /default-pool/v1 out.bin
vol-download v1 out.bin --pool default-pool --offset -2
vol-download nosuch out.bin --pool default-pool
vol-download v1 vol.xml --pool default-pool

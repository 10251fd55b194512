#@ tls
#@ uri qemu+tls://127.0.0.1:{tlsport}/system?pkipath={pki}
# qemu+tls with the daemon's CA and a client certificate
uri
hostname
list --all
dominfo nosuch
connect qemu+tls://localhost:{tlsport}/system?pkipath=pki
uri
connect qemu+tls://127.0.0.1:{tlsport}/system

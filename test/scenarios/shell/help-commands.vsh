help help
help connect
help cd
help pwd
help quit
help exit
help uri
help hostname
help version
uri
hostname
version
version --daemon
connect test:///default
uri

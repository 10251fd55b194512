#@ args
#@ mask (_req|_bytes|_packets|errs|_drop) [0-9]+
#@ mask (ions:|read:|tten:|count:) +[0-9]+
# domblkstat, domifstat and dommemstat
domblkstat test vda
domblkstat test vda --human
domblkstat test --device vda
domblkstat test
domblkstat test --human
domblkstat test nosuch
domifstat test testnet0
domifstat test aa:bb:cc:dd:ee:ff
domifstat test nosuch
domifstat test
dommemstat test
dommemstat test --live
dommemstat test --config
dommemstat test --current
dommemstat test --period 5
dommemstat test --period 0 --live
dommemstat test --period -1
dommemstat test --period x
dommemstat test --live --current
dommemstat test --config --current
destroy test
domblkstat test vda
domifstat test testnet0
dommemstat test
dommemstat test --period 3
domblkstat
dommemstat nosuch

#@ args
echo not quiet
help quit
quit

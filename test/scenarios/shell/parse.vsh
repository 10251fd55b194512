# Grammar and binding errors, word for word.
help --command echo
help echo --bogus
echo --help
help nosuch
help virsh
nosuch
  echo leading spaces
cd
pwd
cd /nonexistent-dir
cd /
pwd
cd --dir /usr
pwd
connect --readonly
echo read-only prompt
connect
echo back
exit extra
quit
echo not reached

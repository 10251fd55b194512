#@ args -q -t
#@ mask \(Time: [0-9.]+ ms\)
echo timed

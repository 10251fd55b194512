#@ args
#@ env VISUAL=true
# an edit that changes nothing defines nothing
net-edit default
net-edit dd8fe884-6c02-601e-7551-cca97df1c5df

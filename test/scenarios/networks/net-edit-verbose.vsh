#@ args
#@ env VISUAL=sed -i s/dd8fe884/aaaaaaaa/
# without a terminal a failed define is reported, not asked about
net-edit default
net-list --all

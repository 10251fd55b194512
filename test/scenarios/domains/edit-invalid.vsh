#@ args
#@ env VISUAL=sed -i /name/d
# without a terminal a failed define is reported
edit test --skip-validate
list --all

#@ args
#@ env VISUAL=true
# an editor that changes nothing
edit test
edit 1 --skip-validate

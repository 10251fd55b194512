#@ args
#@ files domains/guest1.xml domains/guest2.xml
# define and redefine, from files, with --validate
define guest1.xml
define guest1.xml
define --file guest2.xml --validate
list --all
define
define nosuch.xml
define guest1.xml extra
define ""

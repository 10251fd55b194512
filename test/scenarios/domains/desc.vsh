#@ args
#@ files domains/guest1.xml
# desc: descriptions and titles, live and config
desc test
desc test --title
desc test hello world
desc test
desc test --title "My title"
desc test --title
list --title
desc test --config
desc test --live
desc test --config new config desc
desc test --config
desc test --new-desc "x y"
desc test
desc test ""
desc test
desc test --current --live
desc test --current --config
define guest1.xml
desc guest1
desc guest1 --title
desc guest1 --config --title
list --all --title
desc nosuch
desc
create guest1.xml
undefine guest1
create guest1.xml
desc guest1 --config hello
desc guest1 --config --title x
desc guest1 --live --title live title
desc guest1 --title

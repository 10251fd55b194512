#@ args
#@ env VISUAL=sed -i s/scenarios/tests/
#@ files domains/guest1.xml
# desc --edit through $VISUAL
define guest1.xml
desc guest1 --edit
desc guest1
desc guest1 --title --edit
desc test --edit
desc test hello
desc test --edit abc
desc test
desc test --edit --title hello scenarios
desc test --title

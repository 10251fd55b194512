#@ args
#@ files domains/guest1.xml
# start: flags, lookup forms and refusals
start test
start 1
define guest1.xml
start 11111111-2222-3333-4444-555555555555
start guest1
destroy guest1
start guest1 --paused
start guest1 --autodestroy
start guest1 --bypass-cache
start guest1 --reset-nvram
start guest1 --pass-fds x
start guest1 --force-boot
destroy guest1
destroy test
start test --force-boot
domstate test --reason
destroy test
start test --console
destroy test
start guest1 --pass-fds 3
start
start nosuch

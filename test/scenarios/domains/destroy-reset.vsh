#@ args
# reset and destroy
reset test
reset 1
destroy 1 --remove-logs
destroy test --graceful
domstate test --reason
destroy test
reset test
start test
destroy 6695eb01-f6a4-8304-79aa-97f2502e193f
reset
destroy
destroy nosuch
reset nosuch

#@ args
# suspend and resume
suspend test
suspend test
domstate test --reason
resume 1
resume test
suspend 6695eb01-f6a4-8304-79aa-97f2502e193f
resume 6695eb01-f6a4-8304-79aa-97f2502e193f
destroy test
suspend test
resume test
suspend
resume nosuch

echo a b c
echo --shell "a b" '' c\ d "it's" '~x' a#b
echo --xml '<a href="x">&'"'"
echo --split a,b,,c d
echo --split ,a,
echo --err to stderr
echo --shell --xml x
echo --shell --split x
echo -- --all
echo --str=x
echo --shell=yes a
echo "unterminated
echo a\
echo 'single unterminated
echo a; echo b;; echo c
echo a #comment ; echo b
echo x; bogus; echo y
echo --bogus

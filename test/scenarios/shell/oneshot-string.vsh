#@ argv "echo a; echo --shell 'b c'; bogus"

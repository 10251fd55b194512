#@ args
# without -q, freecell --all adds a rule and the total
freecell --all
freecell --cellno 1

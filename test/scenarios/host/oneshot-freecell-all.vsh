#@ args
#@ argv freecell --all

#@ argv freecell --cellno 7

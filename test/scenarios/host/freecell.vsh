# freecell: total, one cell, all cells, and its errors
freecell
freecell --all
freecell --cellno 0
freecell --cellno 1
freecell 1
freecell --cellno " 1"
freecell --cellno +1
freecell --cellno 2
freecell --cellno -1
freecell --cellno abc
freecell --cellno 0x1
freecell --cellno 2147483648
freecell --cellno
freecell --all --cellno 0
freecell --all 0

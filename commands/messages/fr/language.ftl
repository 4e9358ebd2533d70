# The Babel locale whose formats (numbers, money, dates) the texts of this language use
language-locale = fr_FR

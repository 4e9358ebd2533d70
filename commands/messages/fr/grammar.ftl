grammar-amount-ambiguous = ❓ « { $token } » : { $first } ou { $second } ? Je ne devine pas : écris { $typed }.
grammar-amount-or = { " " }ou{ " " }
grammar-amount-too_precise = ⚠️ « { $token } » : pas plus de deux chiffres après la virgule (les centimes), je n'arrondis pas. Exemple : 12,50€
grammar-amount-exponent = ⚠️ « { $token } » : écris le montant en chiffres, sans exposant. Exemple : 1500€
grammar-amount-too_big = ⚠️ « { $token } » : c'est plus que le plus grand montant que je prends ({ $most }). Exemple : 1500€
grammar-date-impossible = ⚠️ « { $token } » n'est pas une date qui existe. Le jour vient avant le mois, par exemple : 30/04 · 12/11/2026 · 2026-11-12 · 12 novembre.
grammar-date-out_of_range = ⚠️ « { $token } » : je ne prends que les dates de { $first } à { $last }. Exemple : 12/11/2026
grammar-date-needs_year = ❓ « { $token } » : le { $date }, il y a plus de { $days } jours ? Si c'est bien ça, écris l'année : { $typed }.

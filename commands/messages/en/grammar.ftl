grammar-amount-ambiguous = ❓ “{ $token }”: { $first } or { $second }? I won't guess: type { $typed }.
grammar-amount-or = { " " }or{ " " }
grammar-amount-too_precise = ⚠️ “{ $token }”: no more than two digits after the decimal point (the cents); I don't round. Example: 12.50€
grammar-amount-exponent = ⚠️ “{ $token }”: write the amount in digits, without an exponent. Example: 1500€
grammar-amount-too_big = ⚠️ “{ $token }”: that is more than the largest amount I take ({ $most }). Example: 1500€
grammar-date-impossible = ⚠️ “{ $token }” is not a date that exists. The day comes before the month, for example: 30/04 · 12/11/2026 · 2026-11-12 · 12 November.
grammar-date-out_of_range = ⚠️ “{ $token }”: I only take dates from { $first } to { $last }. Example: 12/11/2026
grammar-date-needs_year = ❓ “{ $token }”: { $date }, more than { $days } days ago? If so, type the year: { $typed }.

people-forgotten = Ancien membre { $number }
people-error-group = ⚠️ { $token } désigne tout le salon, pas une personne : nomme quelqu'un (@nom). Pour tout le salon, certaines commandes prennent le mot « tous » (ex. { $prefix }contribs tous, { $prefix }allouer tous 10 €).
people-error-ambiguous = ❓ « { $token } » peut désigner plusieurs membres du salon : { $people }. Écris l'identifiant complet de la bonne personne.
people-error-unknown_hint = ❓ Je ne trouve personne « { $token } » dans ce salon. Tu voulais dire : { $people } ? Écris son nom ou son identifiant complet (comme { $example }).
people-error-unknown = ❓ Je ne trouve personne « { $token } » parmi les membres du salon. Nomme un membre par son nom ou son identifiant complet (comme { $example }).
people-error-left = ⚠️ { $who } n'est plus membre du salon : rien n'est noté ni donné à qui n'y est plus. Ce qui lui a été noté reste visible : { $prefix }contribs { $token }

buckets-funded_now = 🎉 Le bucket #{ $id } « { $title } » est financé : { $held } réunis, objectif { $min } atteint !
buckets-unfunded = ↩️ Le bucket #{ $id } « { $title } » repasse sous son objectif ({ $held } sur { $min }) : il n'est plus financé.
buckets-allocated = ✅ { $total } alloués à { $people ->
        [one] { $people } personne
       *[other] { $people } personnes
    } pour « { $title } ». Reste à allouer dans l'enveloppe : { $left }.
buckets-allocated_left_out = ℹ️ Pas de part pour qui n'est plus membre du salon : { $people }. Leurs heures ne comptent pas dans ce partage.
buckets-unallocated = { $cause } : allocation annulée ({ $total } repris à { $people ->
        [one] { $people } personne
       *[other] { $people } personnes
    }).
buckets-completed = 🏁 Le bucket #{ $id } « { $title } » est réalisé (marqué par { $who }). Merci à ses financeurs !
buckets-cancelled = ❌ Le bucket #{ $id } « { $title } » est annulé par { $who } : { $held } rendus à { $people ->
        [one] { $people } financeur
       *[other] { $people } financeurs
    }.
buckets-cancelled_unfunded = ❌ Le bucket #{ $id } « { $title } » est annulé par { $who } ; personne ne l'avait encore financé.
buckets-cancelled_removed = { $cause } : le bucket #{ $id } « { $title } » est annulé, { $held } rendus à { $people ->
        [one] { $people } financeur
       *[other] { $people } financeurs
    }.
buckets-cancelled_removed_unfunded = { $cause } : le bucket #{ $id } « { $title } » est annulé ; personne ne l'avait encore financé.
buckets-no_funders = Personne ne l'a encore financé.
buckets-funders = Financeurs ({ $people }) :
buckets-funded_by_command = 💶 { $cents } mis dans le bucket #{ $id } « { $title } ». Ton solde : { $balance }.
buckets-reaction_refused = { $who } : ta réaction { $emoji } ne compte pas. { $reason }
buckets-withdraw_refused = { $who } : { $reason }
buckets-withdrawn = ↩️ { $who } retire { $cents } du bucket #{ $id } « { $title } ».
buckets-kept_funding = Rien n'a changé : tes { $cents } restent dans le bucket #{ $id } « { $title } ».
buckets-kept_bucket = Rien n'a changé : le bucket #{ $id } « { $title } » reste tel quel.
buckets-kept_allocation = Rien n'a changé : l'allocation reste telle quelle ({ $total } à { $people ->
        [one] { $people } personne
       *[other] { $people } personnes
    }).
buckets-kept_round = Rien n'a changé : le tour #{ $id } « { $title } » reste tel quel.
buckets-allocate_command = { $prefix }allouer
buckets-card-title = 🪣 Bucket #{ $id } — { $title }
buckets-card-byline = Proposé par { $author } · { $goals }
buckets-card-goal = objectif { $min }
buckets-card-goals = objectif { $min } (jusqu'à { $max })
buckets-card-progress = { $bar } { $percent } % · { $held } sur { $min } · { $people ->
        [one] { $people } financeur
       *[other] { $people } financeurs
    }
buckets-card-progress_past_min = { $bar } minimum atteint · { $held } sur { $max } max · { $people ->
        [one] { $people } financeur
       *[other] { $people } financeurs
    }
buckets-card-how_open = Pour financer : réagis à ce message ({ $reactions }), ou { $prefix }financer { $id } 12,50€. Retirer ta réaction reprend ce qu'elle a donné.
buckets-card-how_funded = ✅ Financé ! On peut encore donner jusqu'à { $max } (reste { $room }) : { $reactions }, ou { $prefix }financer { $id } <montant>.
buckets-card-funded_full = ✅ Financé : { $held }.
buckets-card-state_completed = 🏁 Réalisé.
buckets-card-state_cancelled = ❌ Annulé : chaque financeur a été remboursé.
buckets-card-state_refunded = ↩️ Objectif non atteint à la clôture du tour : chaque financeur a été remboursé.
buckets-state-open = ouvert
buckets-state-funded = financé
buckets-state-completed = réalisé
buckets-state-cancelled = annulé
buckets-state-refunded = remboursé
buckets-round-deadline_reached = ⏰ Le tour « { $title } » arrive à échéance ({ $date }) : il se clôt tout seul.
buckets-round-until = { " " }jusqu'au { $date }
buckets-round-opened = 🗳️ Tour #{ $id } « { $title } » ouvert{ $until } : enveloppe de { $pot }. Les admins allouent les soldes ({ $prefix }allouer), chacun propose des buckets ({ $prefix }bucket) et les finance en réagissant ({ $reactions }).
buckets-round-closed = 🔒 Tour #{ $id } « { $title } » clos.
buckets-round-closed_funded = ✅ #{ $id } « { $title } » : financé avec { $held }.
buckets-round-closed_refunded = ↩️ #{ $id } « { $title } » : objectif non atteint, { $held } rendus aux financeurs.
buckets-round-closed_totals = Enveloppe { $pot } = { $in_buckets } dans les buckets financés + { $balances } restés dans les soldes + { $unallocated } non alloués.
buckets-round-reactions_set = ✅ Valeur des réactions pour ce tour : { $reactions }.
buckets-round-state_open = ouvert
buckets-round-state_closed = clos
buckets-round-no_buckets = aucun bucket
buckets-round-show =
    🗳️ Tour #{ $id } « { $title } » ({ $state }{ $until })
    Enveloppe { $pot } : { $allocated } alloués ({ $unallocated } restent à allouer), { $in_buckets } dans les buckets, { $balances } dans les soldes.
    Buckets : { $buckets }.
    Réactions : { $reactions }.
buckets-col-person = Personne
buckets-col-given = Alloué
buckets-col-spent = Dans les buckets
buckets-col-balance = Solde
buckets-col-amount = Montant
buckets-col-bucket = Bucket
buckets-col-state = État
buckets-col-held = Réuni
buckets-col-goal = Objectif
buckets-col-funders = Financeurs
buckets-csv-person = Personne
buckets-csv-user = Identifiant
buckets-csv-given = Alloué
buckets-csv-spent = Dans les buckets
buckets-csv-balance = Solde
buckets-list-empty = ℹ️ Aucun bucket dans le tour « { $title } ». Propose le tien : { $prefix }bucket "Machine à café" 150€
buckets-list-title = 🪣 Buckets du tour « { $title } » ({ $count })
buckets-balance-mine = 💰 Ton solde pour « { $title } » : { $balance } (alloué { $allocated }, dans les buckets { $spent }).
buckets-balance-other = 💰 Solde { DE($who) } pour « { $title } » : { $balance } (alloué { $allocated }, dans les buckets { $spent }).
buckets-balance-round_closed = Ce tour est clos.
buckets-balance-nothing = Rien n'a encore été alloué ici : ce sont les admins qui allouent les soldes.
buckets-balance-none = ℹ️ Rien n'a encore été alloué dans le tour « { $title } ». Les admins : { $prefix }allouer tous
buckets-balance-all = 💰 Soldes du tour « { $title } »
buckets-recap-title = 🪣 Buckets
buckets-recap-funded = 🎉 #{ $id } « { $title } » financé ({ $held })
buckets-recap-close = ⏳ #{ $id } « { $title } » presque financé : { $held } sur { $min }, il manque { $missing }
buckets-recap-new = 🆕 #{ $id } « { $title } » proposé par { $who } (objectif { $min })
buckets-usage-reactions = ⚠️ Donne chaque réaction avec sa valeur. Exemple : { $prefix }tour réactions 💶=5€ 💰=20€
buckets-usage-allocate = ⚠️ Usage : { $prefix }allouer @bob 50€ · { $prefix }allouer tous (partage l'enveloppe à parts égales) · { $prefix }allouer tous 20€ (20 € chacun) · { $prefix }allouer contributions novembre (au prorata des heures)
buckets-usage-allocate_hours = ⚠️ Sur quelle période ? Exemples : { $prefix }allouer contributions novembre · { $prefix }allouer contributions mois dernier · { $prefix }allouer contributions du 01/11 au 15/11
buckets-error-group_mention = ⚠️ { $token } désigne tout le salon, pas une personne. Pour donner à chaque membre : { $prefix }allouer tous 10 € (ou { $prefix }allouer tous pour partager ce qui reste du pot).
buckets-error-zero_amount = ⚠️ Le montant doit être plus grand que zéro. Exemple : 12,50€
buckets-error-negative = ⚠️ Un montant négatif n'a pas de sens ici. Exemple : 12,50€
buckets-error-currency = ⚠️ Ce salon compte en { $room_currency }, pas en { $currency }. Écris le montant sans devise (12,50) ou en { $room_currency }.
buckets-error-round_closed = ⚠️ Le tour de ce bucket est clos : on ne peut plus le financer. Où en est le tour : { $prefix }tour
buckets-error-round_ended = ⚠️ La date limite du tour est passée : on ne peut plus financer ni proposer. Où en est le tour : { $prefix }tour
buckets-error-bucket_cancelled = ⚠️ Le bucket #{ $id } est annulé : on ne peut plus le financer. Les autres : { $prefix }buckets
buckets-error-bucket_completed = ⚠️ Le bucket #{ $id } est déjà réalisé : on ne peut plus le financer. Les autres : { $prefix }buckets
buckets-error-bucket_full = ⚠️ Le bucket #{ $id } a atteint son maximum ({ $max }) : il ne prend plus rien. Les autres : { $prefix }buckets
buckets-error-beyond_max = ⚠️ C'est plus que ce que le bucket #{ $id } peut encore recevoir : { $room } au plus (maximum { $max }). Exemple : { $prefix }financer { $id } { $room }
buckets-error-no_allocation = ⚠️ Tu n'as pas de solde dans ce tour : ce sont les admins qui allouent ({ $prefix }solde pour voir le tien).
buckets-error-over_balance = ⚠️ C'est plus que ton solde ({ $balance }). Le détail : { $prefix }solde
buckets-error-bad_deadline = ⚠️ Je ne comprends pas la date limite « { $token } ». Exemple : jusqu'au 31/12
buckets-error-deadline_past = ⚠️ La date limite ({ $date }) est déjà passée. Exemple : { $prefix }tour ouvrir "Hiver 2026" 1000€ jusqu'au 31/12
buckets-error-round_already_open = ⚠️ Le tour « { $title } » est encore ouvert : un seul tour à la fois. Ferme-le d'abord : { $prefix }tour fermer
buckets-error-no_round = ℹ️ Aucun tour de cobudget ouvert dans ce salon. Un admin l'ouvre : { $prefix }tour ouvrir "Hiver 2026" 1000€
buckets-error-no_contributions = ⚠️ Aucune contribution sur cette période : rien à répartir au prorata. ({ $prefix }contribs tous <période> pour vérifier)
buckets-error-pot_empty = ⚠️ L'enveloppe ({ $pot }) est déjà entièrement allouée. Les soldes : { $prefix }solde tous
buckets-error-no_members = ⚠️ Je ne connais encore aucun membre de ce salon. Alloue à quelqu'un en particulier : { $prefix }allouer @bob 50€
buckets-error-over_pot = ⚠️ { $total } à allouer, mais il ne reste que { $left } dans l'enveloppe ({ $pot }). Pour partager ce qui reste : { $prefix }allouer tous
buckets-error-no_such_bucket = ⚠️ Pas de bucket #{ $id } dans ce salon. { $prefix }buckets les liste.
buckets-error-max_below_min = ⚠️ Le maximum ({ $max }) est plus petit que l'objectif ({ $min }). Exemple : { $prefix }bucket "Machine à café" 150€ max 200€
buckets-error-not_author = ⛔ Seuls l'auteur du bucket #{ $id } et les admins peuvent faire ça. Pour le financer : { $prefix }financer { $id } 5€
buckets-error-cannot_complete = ⚠️ Le bucket #{ $id } est { $state } : seul un bucket financé peut être marqué réalisé. Où il en est : { $prefix }bucket { $id }
buckets-error-cannot_cancel = ⚠️ Le bucket #{ $id } est { $state } : il ne peut plus être annulé. Où il en est : { $prefix }bucket { $id }
buckets-error-withdraw_closed = le tour est clos : le bucket #{ $id } « { $title } » garde ce que tu as donné.
buckets-error-withdraw_completed = le bucket #{ $id } « { $title } » est réalisé : ce que tu as donné y reste.
buckets-error-allocation_closed = ⚠️ Le tour « { $title } » est clos : ses allocations ne changent plus. Les soldes : { $prefix }solde tous
buckets-error-allocation_spent = ⚠️ { $who } a déjà mis une partie de ses { $cents } dans des buckets : l'allocation ne peut pas être reprise. Les soldes : { $prefix }solde tous
buckets-help-tour = voir, ouvrir ou fermer le tour de cobudget : { $prefix }tour ouvrir "Hiver 2026" 1000€
buckets-help-allouer = donner des soldes : { $prefix }allouer @bob 50€ · tous · contributions novembre
buckets-help-bucket = proposer un bucket : { $prefix }bucket "Machine à café" 150€ max 200€
buckets-help-buckets = la liste des buckets du tour
buckets-help-financer = financer un bucket d'un montant : { $prefix }financer 3 12,50€
buckets-help-solde = ton solde dans le tour : { $prefix }solde
buckets-error-bad_max = ⚠️ Je ne lis pas de montant après « { $word } ». Exemple : { $prefix }bucket "Machine à café" 150€ max 200€
buckets-sub-allouer-hours = partage ce qui reste de l'enveloppe au prorata des heures notées
buckets-ex-allouer-hours =
    { $prefix }allouer contributions novembre
    { $prefix }allouer contributions mois dernier
    { $prefix }allouer contributions du 01/11 au 15/11
buckets-sub-allouer-everyone = ce montant à chaque membre ; sans montant, partage ce qui reste de l'enveloppe à parts égales
buckets-ex-allouer-everyone =
    { $prefix }allouer tous
    { $prefix }allouer tous 20€
buckets-sub-allouer-people = ce montant de solde à chaque personne nommée
buckets-ex-allouer-people =
    { $prefix }allouer @bob 50€
    { $prefix }allouer @alice @bob 20€
buckets-note-allouer =
    Les centimes qui ne se divisent pas sont attribués de façon déterministe : le total tombe juste.
    Supprimer le message annule l'allocation (si rien n'a encore été dépensé).
buckets-sub-tour-show = le tour en cours : enveloppe, allocations, buckets
buckets-ex-tour-show = { $prefix }tour
buckets-sub-tour-open = ouvre un tour, un seul à la fois
buckets-ex-tour-open =
    { $prefix }tour ouvrir "Hiver 2026" 1000€
    { $prefix }tour ouvrir "Hiver 2026" 1000€ jusqu'au 31/12
buckets-sub-tour-close = clôt le tour : les buckets sous leur objectif sont remboursés
buckets-sub-tour-reactions = ce que vaut chaque réaction sur une carte
buckets-ex-tour-reactions = { $prefix }tour réactions 💶=5€ 💰=20€
buckets-sub-buckets-list = les buckets du tour, leur état, ce qu'ils ont réuni et leur objectif
buckets-sub-financer-fund = met ce montant de ton solde dans le bucket
buckets-ex-financer-fund =
    { $prefix }financer 3 12,50€
    { $prefix }financer 3 EUR 12
buckets-note-financer = Supprimer le message reprend le montant. On peut aussi réagir à la carte du bucket.
buckets-sub-solde-mine = ton solde dans le tour (solde = alloué − mis dans les buckets)
buckets-sub-solde-all = les soldes de tous les membres
buckets-sub-solde-person = le solde de quelqu'un
buckets-ex-solde-person = { $prefix }solde @bob
buckets-sub-bucket-propose = propose un bucket : le bot poste sa carte
buckets-ex-bucket-propose =
    { $prefix }bucket "Machine à café" 150€
    { $prefix }bucket "Machine à café" 150€ max 200€ pour le coin cuisine
buckets-sub-bucket-show = la carte et ses financeurs
buckets-ex-bucket-show = { $prefix }bucket 3
buckets-sub-bucket-complete = marque un bucket financé comme réalisé (auteur ou admin)
buckets-ex-bucket-complete = { $prefix }bucket 3 terminé
buckets-sub-bucket-cancel = annule et rembourse chaque financeur (auteur ou admin)
buckets-ex-bucket-cancel = { $prefix }bucket 3 annuler
buckets-note-bucket = Réagir à la carte finance le bucket (💶 = 5 €, 💰 = 20 € par défaut) ; retirer la réaction reprend ce qu'elle a donné.
buckets-counted-open = { $n ->
        [one] { $n } ouvert
       *[other] { $n } ouverts
    }
buckets-counted-funded = { $n ->
        [one] { $n } financé
       *[other] { $n } financés
    }
buckets-counted-completed = { $n ->
        [one] { $n } réalisé
       *[other] { $n } réalisés
    }
buckets-counted-cancelled = { $n ->
        [one] { $n } annulé
       *[other] { $n } annulés
    }
buckets-counted-refunded = { $n ->
        [one] { $n } remboursé
       *[other] { $n } remboursés
    }

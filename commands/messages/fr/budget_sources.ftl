budget_sources-added = 💶 Enveloppe #{ $id } { $envelope } : +{ $amount } ({ $what }). Elle a maintenant { $total }. Pour annuler : supprime ton message.
budget_sources-removed = { $cause } : la source « { $label } » ({ $amount }) quitte l'enveloppe #{ $id } { $envelope }, qui a maintenant { $total }.
budget_sources-prestation_what = { $label } : { $pct } % de { $service }
budget_sources-title = Sources ({ $count }) : { $total }
budget_sources-label_note = Mission : { $label } — on la nomme #{ $id } : { $prefix }budget #{ $id } · { $prefix }demande #{ $id } 120€
budget_sources-owner_note = soucieux : { $who }
budget_sources-owner_set = 👤 { $who } est soucieux de l'enveloppe #{ $id } { $envelope } : il ou elle la règle comme un admin (clore, accord, prorata, atterrissage, sources). Pour voir : { $prefix }budget #{ $id }
budget_sources-owner_cleared = 👤 L'enveloppe #{ $id } { $envelope } n'a plus de soucieux : seuls les admins la règlent.
budget_sources-owner_restored = { $cause } : l'enveloppe #{ $id } { $envelope } retrouve son soucieux d'avant ({ $who }).
budget_sources-kind-initial = montant initial
budget_sources-kind-source = source
budget_sources-kind-prestation = prestation
budget_sources-col-source = Source
budget_sources-col-amount = Montant
budget_sources-col-who = Par
budget_sources-col-date = Date
budget_sources-error-bad_ref = ⚠️ « { $token } » n'est pas un numéro d'enveloppe. Exemple : { $prefix }budget #3 (les numéros : { $prefix }budgets)
budget_sources-error-no_such_envelope = ⚠️ Pas d'enveloppe #{ $id } dans ce salon. Les enveloppes et leur numéro : { $prefix }budgets
budget_sources-error-which = ⚠️ { $project } a plusieurs enveloppes ouvertes : { $envelopes }. Laquelle ? Exemple : { $example }
budget_sources-error-label = ⚠️ Après « mission », il faut un nom (entre guillemets s'il a plusieurs mots). Exemple : { $prefix }budget KPA 500€ mission "Fête de quartier" soucieux @bob
budget_sources-error-label_long = ⚠️ Ce nom est trop long : { $most } caractères au plus. Exemple : { $prefix }budget KPA 500€ mission "Fête de quartier"
budget_sources-error-owner = ⚠️ Qui est soucieux de l'enveloppe ? Exemples : { $prefix }budget #3 soucieux @bob · { $prefix }budget #3 soucieux aucun
budget_sources-error-ref_create = ⚠️ L'enveloppe #{ $id } existe déjà : pour en créer une autre, donne le code du projet. Exemple : { $prefix }budget KPA 500€ mission "Fête de quartier"
budget_sources-error-source_usage = ⚠️ Il faut un nom et un montant. Exemple : { $prefix }budget KPA source subvention 2000€
budget_sources-error-source_label = ⚠️ D'où vient cet argent ? Donne un nom à la source. Exemple : { $prefix }budget { $project } source subvention 2000€
budget_sources-error-prestation_usage = ⚠️ Il faut le prix de la prestation et la part qui va à l'enveloppe. Exemple : { $prefix }prestation KPA 3000€ 10% "formation X"
budget_sources-error-prestation_percent = ⚠️ Quelle part de la prestation va à l'enveloppe ? Exemple : { $prefix }prestation { $project } 3000€ 10% "formation X"
budget_sources-error-prestation_percent_range = ⚠️ « { $token } » : la part doit être entre 0 (exclu) et 100 %. Exemple : { $prefix }prestation { $project } 3000€ 10% "formation X"
budget_sources-error-prestation_nothing = ⚠️ { $pct } % de { $service }, arrondi au centime, ne fait rien : rien n'entre dans l'enveloppe. Exemple : { $prefix }prestation { $project } 3000€ 10%
budget_sources-error-in_use = ⚠️ L'enveloppe { $envelope } a reçu { $sources ->
        [one] { $sources } source
       *[other] { $sources } sources
    } depuis sa création : supprimer le message qui l'a créée ne l'efface pas. Supprime d'abord { $sources ->
        [one] le message de cette source
       *[other] les messages de ces sources
    }, ou clos-la : { $prefix }budget { $project } clore
budget_sources-help-prestation = une prestation payée dont une part va à l'enveloppe : { $prefix }prestation KPA 3000€ 10% "formation X" (admins ou soucieux)
budget_sources-sub-prestation-add = note une prestation payée et verse la part dite de son prix dans l'enveloppe ouverte du projet, ou dans l'enveloppe #3 quand le projet en a plusieurs (admins, ou le soucieux de l'enveloppe)
budget_sources-ex-prestation-add =
    { $prefix }prestation KPA 3000€ 10% "formation X"
    { $prefix }prestation KPA 1200€ 5%
budget_sources-note-prestation =
    La part est arrondie au centime, un demi-centime vers le haut (10 % de 33,35 € : 3,34 €).
    { $prefix }budget KPA source subvention 2000€ — ajoute une autre source (un nom et un montant) ; le total de l'enveloppe est toujours la somme de ses sources.
    Supprimer le message retire l'argent, tant que l'enveloppe est ouverte ; une enveloppe clôturée n'en reçoit plus. Un atterrissage appliqué est recalculé.

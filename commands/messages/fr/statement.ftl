statement-not_direct = 🔒 Ton relevé ne s'affiche pas dans un salon : écris-moi { $prefix }moi en message privé, je te l'envoie là.
statement-only_yours = 🔒 Un relevé ne montre que le tien : écris { $prefix }moi [csv] [période], sans nommer personne. Ex. : { $prefix }moi csv 2026
statement-usage = Utilisation : { $prefix }moi [csv] [période], en message privé. Ex. : { $prefix }moi, { $prefix }moi mois dernier, { $prefix }moi csv 2026
statement-empty = ℹ️ Rien pour toi ({ $period }) dans les salons que je partage avec toi : ni heures notées, ni enveloppe payée. Une autre période : { $prefix }moi 2025
statement-title = 🧾 Relevé { DE($name) } ({ $user }), { $period }
statement-summary = { $rooms ->
        [one] { $rooms } salon
       *[other] { $rooms } salons
    }, { $duration } de contributions, { $total } reçus.
statement-hours_title = Heures notées
statement-paid_title = Enveloppes payées (par date de clôture)
statement-nothing_paid = Aucune enveloppe ne t'a payé sur cette période.
statement-given_back = { $amount } ({ $given } laissés au commun)
statement-more = … et { $more ->
        [one] { $more } enveloppe
       *[other] { $more } enveloppes
    } de plus : toutes sont dans le fichier de { $command }
statement-csv_hint = 📎 Pour ta CAE ou ta comptabilité, une ligne par enveloppe payée : { $command }
statement-csv_empty = ℹ️ Aucune enveloppe ne t'a payé ({ $period }) dans les salons que je partage avec toi : pas de fichier. Tes heures : { $command }
statement-csv_caption = 📎 Ton relevé, { $period } : { $count ->
        [one] { $count } enveloppe payée
       *[other] { $count } enveloppes payées
    } dans { $rooms ->
        [one] { $rooms } salon
       *[other] { $rooms } salons
    }, { $total } au total.
statement-file = releve
statement-word = moi
statement-no_project = sans projet
statement-head-room = Salon
statement-head-project = Projet
statement-head-hours = Heures
statement-head-envelope = Enveloppe
statement-head-period = Période
statement-head-closed = Clôturée le
statement-head-paid = Reçu
statement-col-person = personne
statement-col-user = identifiant
statement-col-room = salon
statement-col-room_id = id du salon
statement-col-envelope = enveloppe n°
statement-col-project = projet
statement-col-project_name = nom du projet
statement-col-start = début de la période
statement-col-end = fin de la période
statement-col-closed = clôturée le
statement-col-hours = heures
statement-col-gross = part brute
statement-col-given_back = laissé au commun
statement-col-amount = montant reçu
statement-col-currency = devise
statement-help-moi = ton relevé d'heures et de sommes reçues, tous salons confondus (en message privé) : { $prefix }moi 2026
statement-sub-moi-mine = en message privé au bot : tes heures notées par salon et par projet, et ce que chaque enveloppe clôturée t'a payé (net de ce que tu as laissé au commun), dans tous les salons que je partage avec toi ; avec csv, le fichier pour ta CAE ou ta comptabilité, une ligne par enveloppe payée (salon, numéro, projet, période, date de clôture, heures, montant)
statement-ex-moi-mine =
    { $prefix }moi
    { $prefix }moi mois dernier
    { $prefix }moi csv 2026
statement-note-moi = Période : l'année en cours par défaut, ou comme pour { $prefix }contribs (2026, mois dernier, novembre, du 01/09 au 30/11). Une enveloppe compte dans la période où elle a été clôturée. Personne d'autre ne voit ton relevé, et tu ne vois que le tien.

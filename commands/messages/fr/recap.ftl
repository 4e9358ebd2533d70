recap-title = 📊 Récap — { $period }
recap-in_progress = { $period } (en cours)
recap-empty = 📭 Récap — { $period } : rien à signaler, aucune activité.
recap-percent = { $sign }{ $value } %
recap-first_day = 1er
recap-time = { $hour }h{ NUMBER($minute, minimumIntegerDigits: 2) }
recap-period-week = semaine du { $start } au { $end }
recap-contrib-headline = ⏱️ { $total } données par { $people ->
        [one] { $people } personne
       *[other] { $people } personnes
    } ({ $count ->
        [one] { $count } contribution
       *[other] { $count } contributions
    })
recap-contrib-compare = Période précédente : { $before } par { $people ->
        [one] { $people } personne
       *[other] { $people } personnes
    } ({ $percent })
recap-contrib-compare_none = Période précédente : aucune contribution.
recap-contrib-none = ⏱️ Aucune contribution sur la période (période précédente : { $before } par { $people ->
        [one] { $people } personne
       *[other] { $people } personnes
    }).
recap-contrib-newcomers = 🆕 Première contribution : { $names } — bienvenue !
recap-contrib-no_project = Sans projet
recap-contrib-others = Autres ({ $n })
recap-contrib-new = nouveau
recap-col-project = Projet
recap-col-person = Personne
recap-col-time = Temps
recap-col-people = Pers.
recap-col-count = Nb
recap-col-change = Évol.
recap-chart-title = Heures données — { $span }
recap-chart-span_week = { $n } dernières semaines
recap-chart-span_month = { $n } mois
recap-chart-projects_week = Par semaine et par projet
recap-chart-projects_month = Par mois et par projet
recap-chart-people = Par personne
recap-chart-hours = heures
recap-chart-others = Autres
recap-chart-others_people = (+ { $n } autres : { $hours } h)
recap-kind-weekly = récap hebdomadaire
recap-kind-monthly = récap mensuel
recap-kind-reminder = rappel
recap-when-weekly = chaque { $day } à { $time }
recap-when-monthly = le { $day } de chaque mois à { $time }
recap-when-monthly_last = le dernier jour de chaque mois à { $time }
recap-plan-undone = { $cause } : la planification revient à ce qu'elle était avant ce message.
recap-plan-title = 🗓️ Planification du salon (fuseau { $tz }) :
recap-plan-line = • { $what } : { $when }
recap-plan-none = désactivé
recap-plan-set_weekly = ✅ Récap hebdomadaire planifié { $when } ({ $tz }). Posté du lundi au mercredi, il couvre la semaine précédente ; du jeudi au dimanche, la semaine en cours. Pour l'arrêter : { $prefix }recap planifier off
recap-plan-set_monthly = ✅ Récap mensuel planifié { $when } ({ $tz }). Posté avant le 15, il couvre le mois précédent ; à partir du 15, le mois en cours. Pour l'arrêter : { $prefix }recap planifier mensuel off
recap-plan-set_reminder = ✅ Rappel planifié { $when } ({ $tz }) : je demanderai de noter les contributions de la semaine. Pour l'arrêter : { $prefix }rappel off
recap-plan-off = 🔕 Désactivé : { $what }.
recap-plan-already_off = ℹ️ Déjà désactivé : { $what }.
recap-usage-plan = Utilisation : { $prefix }recap planifier lundi 9h · { $prefix }recap planifier mensuel 1 9h (ou : mensuel dernier 18h) · { $prefix }recap planifier off · { $prefix }recap planifier mensuel off
recap-usage-reminder = Utilisation : { $prefix }rappel vendredi 17h · { $prefix }rappel off
recap-error-period = ⚠️ Je ne comprends pas la période « { $value } ». Exemples : { $prefix }recap · { $prefix }recap semaine dernière · { $prefix }recap novembre · { $prefix }recap du 01/11 au 15/11
recap-error-usage = ⚠️ Il manque le jour et l'heure. { $usage }
recap-error-bad_day = ⚠️ « { $token } » n'est pas un jour de la semaine (lundi … dimanche). { $usage }
recap-error-bad_month_day = ⚠️ « { $token } » : le jour du mois va de 1 à 28, ou « dernier ». { $usage }
recap-error-bad_time = ⚠️ Heure non comprise : « { $token } ». Exemples : 9h, 9h30, 17:00. { $usage }
recap-reminder-text = ⏰ Pensez à noter vos contributions de la semaine : { $prefix }contrib 3h atelier #PROJET
recap-reminder-so_far = Déjà noté cette semaine : { $total } par { $people ->
        [one] { $people } personne
       *[other] { $people } personnes
    }.
recap-reminder-nothing_yet = Rien n'est encore noté cette semaine.
recap-help-recap = le récap (semaine en cours par défaut) : { $prefix }recap semaine dernière · { $prefix }recap novembre ; planifier (admins) : { $prefix }recap planifier lundi 9h
recap-help-rappel = rappel de noter ses contributions (admins) : { $prefix }rappel vendredi 17h · { $prefix }rappel off
# ce que font les sous-commandes de !recap et !rappel, leurs exemples (un par ligne)
recap-sub-recap-show = le récap du salon : heures, personnes, projets, nouveaux venus, comparaison avec la période précédente, et un graphique (rien = semaine en cours)
recap-ex-recap-show =
    { $prefix }recap
    { $prefix }recap semaine dernière
    { $prefix }recap novembre
    { $prefix }recap du 01/11 au 15/11
recap-sub-recap-plan_show = voir la planification des récaps
recap-sub-recap-plan = planifier le récap, dans le fuseau du salon (voir { $prefix }fuseau) : chaque semaine (la semaine écoulée), chaque mois (le mois écoulé), ou off pour l'arrêter (mensuel off : seulement le mensuel)
recap-ex-recap-plan =
    { $prefix }recap planifier lundi 9h
    { $prefix }recap planifier mensuel 1 9h
    { $prefix }recap planifier mensuel dernier 18h
    { $prefix }recap planifier off
recap-note-recap = Périodes : semaine dernière · novembre · novembre 2025 · mois dernier · 2026 · du 01/11 au 15/11. Si le bot était arrêté à l'heure prévue, il poste le récap manqué une fois à son retour.
recap-sub-rappel-show = voir le réglage du rappel
recap-sub-rappel-set = chaque semaine à l'heure dite, un rappel de noter les contributions ; off : plus de rappel
recap-ex-rappel-set =
    { $prefix }rappel vendredi 17h
    { $prefix }rappel off

export-usage = Utilisation : { $prefix }export csv [période] [projet]. Exemple : { $prefix }export csv novembre KPA
export-empty = ℹ️ Rien à exporter ({ $period }).
export-caption = 📎 Export CSV : { $count ->
        [one] { $count } contribution
       *[other] { $count } contributions
    }, { $period }.
export-long_table = … et { $more } autres lignes : le tableau complet ({ $count } lignes) est dans le fichier joint, { $file }.
export-long_table_caption = 📎 Le tableau complet : { $count } lignes.
export-col-number = n°
export-col-date = date
export-col-person = personne
export-col-user = identifiant
export-col-minutes = minutes
export-col-hours = heures
export-col-project = projet
export-col-description = description
export-col-event = id de l'événement
export-help-export = exporter en CSV : { $prefix }export csv novembre KPA
export-sub-export-csv = un fichier CSV des contributions, d'une période (le mois en cours par défaut), d'un projet, d'une personne
export-ex-export-csv =
    { $prefix }export csv novembre KPA
    { $prefix }export csv mois dernier

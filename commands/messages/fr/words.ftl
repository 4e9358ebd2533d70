# Les mots que le bot lit en français : dates, périodes, durées, montants. Écrits comme la
# grammaire les lit (minuscules, sans accents), séparés par des virgules ; une liste de jours ou
# de mois est dans l'ordre, et « fevr/fev » donne deux écritures du même mois. Les mots de toutes
# les langues sont compris dans tous les salons.

words-weekdays = lundi, mardi, mercredi, jeudi, vendredi, samedi, dimanche
words-weekdays_short = lun, mar, mer, jeu, ven, sam, dim
words-months = janvier, fevrier, mars, avril, mai, juin, juillet, aout, septembre, octobre, novembre, decembre
words-months_short = janv, fevr/fev, mars, avr, mai, juin, juil, aout, sept, oct, nov, dec
words-today = aujourd'hui, aujourd’hui, aujourdhui, auj
words-yesterday = hier
words-day_before_yesterday = avant-hier, avant-hiers, avanthier
words-tomorrow = demain
words-day_after_tomorrow = apres-demain
words-unit_hours = h, heure, heures
words-unit_minutes = m, mn, min, minute, minutes
words-unit_days = j, jour, jours, jr, jrs
words-unit_weeks = sem, semaine, semaines
words-unit_months = mois
words-unit_years = an, ans, annee, annees
words-period-this_month = ce mois, ce mois-ci, mois
words-period-last_month = mois dernier, le mois dernier
words-period-this_week = cette semaine, semaine
words-period-last_week = semaine derniere, la semaine derniere, semaine passee, la semaine passee
words-period-this_year = cette annee, annee
words-period-last_year = annee derniere, l'annee derniere
words-period-all = tout, toujours, depuis le debut
words-currency-EUR = €, eur, euro, euros
words-currency-USD = $, usd
words-currency-CHF = chf
words-currency-GBP = £, gbp

# Les mots des sous-commandes (words-sub-<commande>-<sous-commande>) : le premier est celui que
# l'aide montre ; ceux de toutes les langues sont compris partout.
words-sub-reglages-day = journee, jour
words-sub-reglages-max = max, maximum, plafond
words-sub-reglages-admin = admin, niveau-admin
words-sub-reglages-past = passé, passe, recul, dates
words-sub-reglages-retention = conservation, garder
words-sub-reglages-currency = devise
words-forever = toujours, jamais, illimite
words-sub-projets-archived = archivés, archivées, archivée, archives, archive
words-sub-projet-add = ajouter, creer, nouveau
words-sub-projet-rename = renommer
words-sub-projet-archive = archiver
words-sub-projet-reopen = rouvrir, desarchiver
words-sub-projet-default = defaut, par-defaut
words-none = aucun
words-sub-page-renew = nouveau-lien, nouveaulien, nouveau, renouveler, revoquer
words-sub-page-all = tous, tout, toutes
words-sub-page-public = public, publique, ouvert, ouverte
words-sub-page-off = off, fermer, desactiver
words-sub-page-on = on, ouvrir, activer
words-sub-export-csv = csv
words-csv = csv
words-sub-recap-plan = planifier, planification, programmer, horaire, plan

# cobudget
words-sub-tour-show = voir, info
words-sub-tour-open = ouvrir, nouveau, creer
words-sub-tour-close = fermer, clore, cloturer, terminer
words-sub-tour-reactions = réactions, reaction, valeurs
words-sub-allouer-everyone = tous, tout-le-monde, membres
words-sub-allouer-hours = contributions, contribution, heures, contribs, temps
words-sub-bucket-complete = terminé, terminer, fini, finir, réalisé, fait
words-sub-bucket-cancel = annuler, annulé, supprimer
words-sub-solde-all = tous, tout-le-monde, membres
# what a bucket's deadline, its most and its goal are introduced by (!tour ouvrir … jusqu'au 30/11, !bucket … max 200€)
words-cobudget-deadline = jusqu'au, jusqu’au, jusquau, fin, avant
words-cobudget-max = max, maximum, jusqu'a, jusqu’à, jusqua
words-cobudget-min = min, minimum, objectif

# budget
words-sub-question-lift = levée, leve, lever, retiree
words-sub-question-settle = close, clos, tranchee, tranche
words-sub-taux-off = aucun, aucune, off, non, stop, arret, arreter
words-sub-releve-cancel = annuler, annule, stop, arreter, fermer
words-sub-demande-revised = révisée, revisee, revise, revision
words-sub-demande-withdraw = retirer, retire, annuler
words-sub-budget-give = je-donne, jedonne, donne, je-rends, rends
words-sub-budget-decline = je-refuse, refuse, je-decline
words-sub-budget-close = clore, cloturer, fermer
words-sub-budget-csv = csv, exporter, export
words-sub-budget-prorata = prorata, pro-rata
words-sub-budget-agree = accord, accorder
words-sub-budget-landing = atterrissage, atterrir
words-sub-budget-source = source, sources, apport, abonder, abondement
words-sub-budget-owner = soucieux, soucieuse, responsable
words-sub-budget-consent = consentement, consensus
# the terms of a new envelope (!budget KPA 2000€ novembre proportionnel plafond 600€ …)
words-budget-mode-libre = libre, retribution-libre
words-budget-mode-proportional = proportionnel, proportionnelle, prop, heures
words-budget-cap = plafond, max
words-budget-rate = taux, taux-horaire
words-budget-commons = commun, communs
words-budget-min = min, minimum
words-budget-validations = validations, valideurs
words-budget-label = mission, evenement, libelle
# a landing chosen by the room's reactions (!budget KPA atterrissage vote 3j)
words-budget-landing-vote = vote, voter, votes, scrutin

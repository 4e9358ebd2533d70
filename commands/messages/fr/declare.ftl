# Ce que le cadre des commandes déclarées écrit de lui-même : les lignes d'utilisation, l'aide
# d'une commande et les refus quand un argument manque ou ne se lit pas.

declare-help-line = { $usage } — { $does }
declare-help-examples = { "  " }ex. { $examples }
declare-form-required = <{ $name }>
declare-form-optional = [{ $name }]
declare-form-required_repeated = { $name }…
declare-form-optional_repeated = [{ $name }…]
declare-error-unknown = ⚠️ Je n'ai pas compris. Par exemple : { $examples } ({ $prefix }{ $help } { $command } pour tout voir)
declare-error-missing = ⚠️ Il manque { $what }. Tape : { $usage } — par exemple : { $example }
declare-error-wrong = ⚠️ « { $value } » n'est pas { $what }. Tape : { $usage } — par exemple : { $example }
declare-error-extra = ⚠️ Je ne sais que faire de « { $value } ». Tape : { $usage } — par exemple : { $example }

# comment une ligne d'utilisation nomme un argument (<durée>), et ce qu'un refus dit attendre
declare-arg-word = mot
declare-what-word = un mot
declare-arg-text = texte
declare-what-text = un texte
declare-arg-duration = durée
declare-what-duration = une durée
declare-arg-days = durée
declare-what-days = une durée en jours
declare-arg-number = nombre
declare-what-number = un nombre
declare-arg-bucket = numéro
declare-what-bucket = un numéro de bucket
declare-arg-request = n°
declare-what-request = un numéro de demande
declare-arg-range = fourchette
declare-what-range = une fourchette
declare-arg-envelope = projet
declare-what-envelope = un code de projet ou un numéro d'enveloppe (#3)
declare-arg-deadline = échéance
declare-what-deadline = une échéance
declare-arg-service_terms = prix part% nom
declare-what-service_terms = un prix, une part et un nom
declare-arg-amount = montant
declare-what-amount = un montant
declare-arg-date = date
declare-what-date = une date
declare-arg-period = période
declare-what-period = une période
declare-arg-person = @personne
declare-what-person = une personne (@nom)
declare-arg-project = projet
declare-what-project = un projet
declare-arg-code = CODE
declare-what-code = un code de projet
declare-arg-name = nom
declare-what-name = un nom
declare-arg-language = langue
declare-what-language = une langue
declare-arg-timezone = fuseau
declare-what-timezone = un fuseau horaire
declare-arg-currency = devise
declare-what-currency = une devise
declare-arg-level = niveau
declare-what-level = un niveau
declare-arg-command = commande
declare-what-command = une commande
declare-arg-schedule = jour heure
declare-what-schedule = un jour et une heure
declare-arg-filters = période, projet, @personne
declare-what-filters = une période, un projet ou une personne
declare-arg-contrib_filters = @personne|tous, projet, période
declare-what-contrib_filters = une personne, tous, un projet ou une période
declare-arg-contribution = numéro
declare-what-contribution = un numéro de contribution
declare-arg-description = description
declare-what-description = une description
declare-arg-import_kind = contributions|allocations
declare-what-import_kind = contributions ou allocations

# cobudget
declare-arg-title = titre
declare-what-title = un titre
declare-arg-deadline = jusqu'au date
declare-what-deadline = une date limite
declare-arg-maximum = max montant
declare-what-maximum = un maximum
declare-arg-reaction = réaction=montant
declare-what-reaction = une réaction et sa valeur

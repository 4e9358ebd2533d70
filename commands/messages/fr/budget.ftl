budget-per_hour = { $amount }/h
budget-pct = { $pct } %
budget-quoted = « { $text } »
budget-why = { " " }: « { $text } »
budget-no_why = , sans dire pourquoi
budget-show_title = 💰 Enveloppe #{ $id } { $envelope } : { $amount } — { $rules } — { $state }
budget-provisional = Répartition provisoire (elle suit les contributions jusqu'à la clôture) :
budget-frozen = 🔒 Répartition figée à la clôture :
budget-limited_some = { "*" } Limité par le plafond ou le taux : { $names }. Ce qu'ils laissent ({ $amount }) est redistribué aux autres, au prorata de leurs heures.
budget-limited_all = { "*" } Tout le monde a atteint sa limite (plafond ou taux) : { $names }. { $left } restent dans l'enveloppe.
budget-excluded = Pas inclus (moins de { $hours } h) : { $names }.
budget-given_back = 🎁 Rendu au commun : { $gifts }.
budget-totals = Total : { $paid } aux personnes + { $commons } au commun + { $left } restant = { $amount }.
budget-libre_totals = Demandes validées : { $validated } sur une enveloppe de { $amount } (demandé en tout : { $asked }).
budget-libre_totals_closed = Total : { $paid } versés + { $left } restant = { $amount }.
budget-over = ⚖️ Les demandes validées dépassent l'enveloppe de { $over }. Proposition au prorata (chaque demande × { $factor }, au centime, somme exacte) :
budget-over_hint = Admins : { $prefix }budget { $project } prorata pour l'appliquer, ou { $prefix }budget { $project } accord <n°> <montant> pour un montant convenu ensemble, puis { $prefix }budget { $project } clore. D'autres façons d'atterrir, côte à côte : { $prefix }budget { $project } atterrissage
budget-no_requests = Aucune demande pour l'instant. Pour demander : { $prefix }demande { $project } 120€ [message]
budget-none = ℹ️ Aucune enveloppe dans ce salon. Les admins en créent une : { $prefix }budget KPA 2000€ novembre
budget-list_title = 💰 Enveloppes du salon ({ $count }) :
budget-closed_notice = 🔒 L'enveloppe { $envelope } est clôturée : sa répartition figée ne change pas.
budget-closed_now = 🔒 Enveloppe { $envelope } clôturée.
budget-deleted = { $cause } : l'enveloppe { $envelope } est supprimée.
budget-csv_caption = 📎 Répartition de l'enveloppe { $envelope } pour la paie : { $count ->
        [one] { $count } personne
       *[other] { $count } personnes
    }.
budget-unpaid = ℹ️ Demandes non validées, donc non versées : { $requests }.
budget-gave_back = 🎁 { $who } rend { $given } au commun sur sa part de l'enveloppe { $envelope } : elle passe de { $gross } à { $net }. Pour annuler : supprime ton message.
budget-give_back_undone = { $cause } : { $who } ne rend plus rien au commun.
budget-request_saved =
    🙋 Demande #{ $id } { DE($who) } : { $amount } sur l'enveloppe { $envelope }.
    Heures { DE($who) } sur ce projet et cette période : { $hours } h → { $rate }.{ $message }
    Réagissez ❓ pour la questionner, ✅ pour la valider ({ $n } ✅ de membres, ou celui d'un admin). Pour la changer : modifie ton message ou refais { $prefix }demande.
budget-request_updated =
    ✏️ Demande #{ $id } { DE($who) } modifiée : { $amount } sur l'enveloppe { $envelope } (les validations repartent de zéro).
    Heures { DE($who) } sur ce projet et cette période : { $hours } h → { $rate }.{ $message }
    Réagissez ❓ pour la questionner, ✅ pour la valider ({ $n } ✅ de membres, ou celui d'un admin).
budget-withdrawn = ↩️ Demande #{ $id } { DE($who) } retirée.
budget-questioned = ❓ { $who } questionne la demande #{ $id } { DE($author) } ({ $amount }){ $why }. Pour info : { $told }. On en parle ici ; pour changer la demande : { $prefix }demande { $project } <montant>.
budget-questioned_quiet = ❓ { $who } questionne la demande #{ $id } { DE($author) } ({ $amount }){ $why }. On en parle ici ; pour changer la demande : { $prefix }demande { $project } <montant>.
budget-unquestioned = ↩️ { $who } retire sa question sur la demande #{ $id }.
budget-validated = ✅ Demande #{ $id } { DE($author) } ({ $amount }) validée ({ $who } ; { $votes ->
        [one] { $votes } validation
       *[other] { $votes } validations
    }).
budget-vote = 👍 { $who } valide la demande #{ $id } { DE($author) } : { $votes }/{ $needed }.
budget-unvalidated = ↩️ { $who } retire sa validation de la demande #{ $id } : { $votes }/{ $needed }, { $state }.
budget-agreed = 🤝 Demande #{ $id } { DE($author) } : { $amount } convenu (demandé : { $asked }).
budget-unagreed = ↩️ Accord sur la demande #{ $id } { DE($author) } annulé : montant retenu { $amount } ; { $votes }/{ $needed }, { $state }.
budget-prorata_applied = ⚖️ Prorata appliqué à l'enveloppe { $envelope }.
budget-kept_request = Rien n'a changé : la demande #{ $id } reste telle quelle ({ $amount }).
budget-kept_envelope = Rien n'a changé : l'enveloppe #{ $id } { $envelope } reste telle quelle.
budget-create_command = { $prefix }budget { $code } <montant>
budget-mode-libre = rétribution libre
budget-mode-proportionnel = proportionnel aux heures
budget-state-open = ouverte
budget-state-closed = clôturée
budget-rule-cap = plafond { $amount }
budget-rule-rate = taux max { $amount }/h
budget-rule-commons = commun { $pct } %
budget-rule-min = minimum { $hours } h
budget-note-limited = limité (plafond ou taux)
budget-note-given_back = rend { $amount } au commun
budget-note-request = demande #{ $id } ({ $asked })
budget-req_state-validated = ✅ validée
budget-req_state-not_validated = pas validée
budget-req_state-pending = ⏳ { $votes }/{ $needed } ✅
budget-req_state-questions = ❓×{ $n }
budget-created-libre =
    💰 Enveloppe #{ $id } créée : { $amount } pour { $project } ({ $period }), en { $rules }.
    Chacun demande ce qu'il souhaite pour ses contributions : { $prefix }demande { $project } 120€ [message]. ❓ pour questionner une demande, ✅ pour la valider ({ $n } ✅ de membres ou un admin). Le tableau : { $prefix }budget { $project }
budget-created-proportionnel =
    💰 Enveloppe #{ $id } créée : { $amount } pour { $project } ({ $period }) — { $rules }.
    Répartition provisoire (elle suit les contributions jusqu'à la clôture ; { $prefix }budget { $project } pour la revoir) :
budget-col-person = Personne
budget-col-hours = Heures
budget-col-share = Part
budget-col-amount = Montant
budget-col-rate = €/h
budget-col-note = Note
budget-col-asked = Demandé
budget-col-granted = Accordé
budget-col-state = État
budget-col-prorata = Prorata
budget-col-project = Projet
budget-col-period = Période
budget-col-mode = Mode
budget-col-left = Reste
budget-csv-person = Personne
budget-csv-user = Identifiant
budget-csv-hours = Heures
budget-csv-amount = Montant
budget-csv-currency = Devise
budget-csv-rules = Règles appliquées
budget-recap-title = 💰 Enveloppes ouvertes ({ $count })
budget-recap-proportional = { $project } ({ $period }, { $amount }) — provisoire : { $people }
budget-recap-libre = { $project } ({ $period }, { $amount }) — { $count ->
        [one] { $count } demande
       *[other] { $count } demandes
    }, { $validated ->
        [one] { $validated } validée
       *[other] { $validated } validées
    }, { $asked } demandés
budget-error-no_envelope = ⚠️ Pas d'enveloppe pour { $project } à cette période. Les admins en créent une : { $prefix }budget { $project } 2000€ novembre
budget-error-closed = 🔒 L'enveloppe { $envelope } est clôturée : plus de demande, de question ni de changement. Sa répartition figée ne change pas. Les enveloppes : { $prefix }budgets
budget-error-amount = ⚠️ « { $token } » : le montant doit être positif. Exemple : 2000€, 120,50 €
budget-error-currency = ⚠️ « { $token } » : ce salon compte en { $currency }. Écris le montant sans devise (120) ou en { $currency }.
budget-error-cap = ⚠️ Après « plafond », il faut un montant. Exemple : { $prefix }budget KPA 2000€ novembre plafond 600€
budget-error-rate = ⚠️ Après « taux », il faut un montant par heure. Exemple : { $prefix }budget KPA 2000€ novembre taux 20€/h
budget-error-commons = ⚠️ Après « commun », il faut un pourcentage entre 0 et 100 (exclu). Exemple : { $prefix }budget KPA 2000€ novembre commun 10%
budget-error-min = ⚠️ Après « min », il faut un nombre d'heures. Exemple : { $prefix }budget KPA 2000€ novembre min 5h
budget-error-validations = ⚠️ Après « validations », il faut un nombre entre 1 et 100. Exemple : { $prefix }budget KPA 2000€ novembre validations 3
budget-error-bad_token = ⚠️ Je ne comprends pas « { $token } ». Exemples : { $prefix }budget KPA 2000€ novembre · { $prefix }budget KPA 2000€ du 01/10 au 30/11 proportionnel plafond 600€ taux 20€/h commun 10% min 5h ({ $prefix }aide budget)
budget-error-missing_amount = ⚠️ Il manque le montant de l'enveloppe. Exemple : { $prefix }budget KPA 2000€ novembre
budget-error-missing_period = ⚠️ Il manque la période. Exemples : { $prefix }budget KPA 2000€ novembre · { $prefix }budget KPA 2000€ du 01/10 au 30/11
budget-error-rules_need_proportional = ⚠️ Plafond, taux, commun et minimum d'heures ne valent qu'en mode proportionnel (en rétribution libre, chacun demande). Exemple : { $prefix }budget KPA 2000€ novembre proportionnel plafond 600€
budget-error-future = ⚠️ La période { $period } n'a pas commencé : on ne partage que ce qui a été contribué. Exemple : { $prefix }budget KPA 2000€ mois dernier
budget-error-overlap = ⚠️ { $project } a déjà une enveloppe qui chevauche cette période (#{ $id }, { $period }). Choisis une autre période, ou supprime le message qui l'a créée. Les enveloppes : { $prefix }budgets
budget-error-no_contributions = ⚠️ Aucune contribution sur { $project } ({ $period }) : rien à répartir. On note d'abord : { $prefix }contrib 3h { $project } …
budget-error-nobody_eligible = ⚠️ Personne n'atteint le minimum de { $hours } h : rien ne serait réparti. Baisse le minimum (exemple : min 2h).
budget-error-impossible_cap = ⚠️ Avec un plafond de { $cap } et { $people ->
        [one] { $people } personne
       *[other] { $people } personnes
    }, on ne peut verser que { $most } sur { $amount } : l'enveloppe ne peut pas être dépensée. Monte le plafond ou baisse le montant. Exemple : { $prefix }budget KPA 2000€ novembre proportionnel plafond 600€
budget-error-give_libre = ⚠️ L'enveloppe { DE($project) } est en rétribution libre : pour recevoir moins, change ta demande ({ $prefix }demande { $project } <montant>).
budget-error-give_usage = ⚠️ Combien rends-tu au commun ? Exemples : { $prefix }budget { $project } je-donne 50% · { $prefix }budget { $project } je-donne 30€ · { $prefix }budget { $project } je-donne tout · { $prefix }budget { $project } je-donne 0%
budget-error-no_share = ⚠️ Tu n'as pas de part dans l'enveloppe { $envelope }. Les enveloppes : { $prefix }budgets
budget-error-request_usage = ⚠️ Exemples : { $prefix }demande KPA 120€ pour l'atelier · { $prefix }demande KPA retirer
budget-error-request_proportional = ⚠️ L'enveloppe { DE($project) } est répartie au prorata des heures : pas de demande à faire. Voir : { $prefix }budget { $project }
budget-error-no_request = ⚠️ Tu n'as pas de demande en cours sur { $project }. Pour en faire une : { $prefix }demande { $project } 120€
budget-error-bad_request_id = ⚠️ « { $token } » n'est pas un numéro de demande. Exemple : { $prefix }question 3 pourquoi ce montant ?
budget-error-no_such_request = ⚠️ Pas de demande #{ $id } en cours dans ce salon. { $prefix }budget <projet> montre les demandes et leur numéro.
budget-error-question_usage = ⚠️ Exemple : { $prefix }question 3 pourquoi ce montant ? (ou réagis ❓ à la demande)
budget-error-validate_usage = ⚠️ Exemple : { $prefix }valider 3 (ou réagis ✅ à la demande)
budget-error-own_request = ⚠️ On ne valide pas sa propre demande. Pour la changer : modifie ton message ou refais { $prefix }demande.
budget-error-already_validated = ℹ️ Tu as déjà validé la demande #{ $id } ; pour retirer ta validation, supprime ton message ou ta réaction ✅. Les enveloppes : { $prefix }budgets
budget-error-libre_only = ⚠️ Le prorata ne vaut que pour la rétribution libre ; l'enveloppe { DE($project) } est déjà répartie au prorata des heures. La répartition : { $prefix }budget { $project }
budget-error-no_need_prorata = ℹ️ Les demandes validées ({ $total }) tiennent dans l'enveloppe ({ $amount }) : pas besoin de prorata. Pour clôturer : { $prefix }budget { $project } clore
budget-error-agree_usage = ⚠️ Exemple : { $prefix }budget { $project } accord 3 80€ (demande #3, montant convenu 80 €)
budget-error-agree_usage_short = ⚠️ Il manque le montant convenu. Exemple : { $prefix }budget KPA accord 3 80€
budget-error-close_over = ⚠️ Les demandes validées ({ $total }) dépassent l'enveloppe ({ $amount }) : rien n'est clôturé. Applique le prorata ({ $prefix }budget { $project } prorata) ou des montants convenus ({ $prefix }budget { $project } accord <n°> <montant>).
budget-error-close_nothing = ⚠️ Aucune demande validée sur { $project } : rien à verser. ✅ sur les demandes, ou { $prefix }valider <n°>.
budget-error-csv_open = ⚠️ L'enveloppe { $envelope } est encore ouverte : l'export pour la paie se fait une fois clôturée ({ $prefix }budget <projet> clore).
budget-help-budget = budget contributif d'un projet : { $prefix }budget KPA (voir), { $prefix }budget KPA 2000€ novembre (créer, admins)
budget-help-budgets = les enveloppes du salon, leur état et ce qui reste
budget-help-demande = rétribution libre : { $prefix }demande KPA 120€ [message]
budget-help-question = questionner une demande : { $prefix }question 3 [pourquoi] (ou ❓) ; { $prefix }question 3 levée pour lever son objection
budget-help-valider = valider une demande : { $prefix }valider 3 (ou ✅)
budget-sub-budgets-list = les enveloppes du salon, leur état et ce qui reste
budget-sub-question-lift = lever son objection sur la demande
budget-ex-question-lift = { $prefix }question 3 levée
budget-sub-question-settle = trancher l'objection ouverte sur la demande (admins)
budget-ex-question-settle = { $prefix }question 3 close
budget-sub-question-ask = questionner une demande (ou réagis ❓ à la demande)
budget-ex-question-ask =
    { $prefix }question 3 pourquoi ce montant ?
    { $prefix }question 3
budget-sub-valider-validate = valider une demande (ou réagis ✅ à la demande)
budget-ex-valider-validate = { $prefix }valider 3
budget-sub-demande-revise = dire le montant qui te semble juste pour ta demande (affiché dans { $prefix }budget KPA atterrissage)
budget-ex-demande-revise = { $prefix }demande 3 révisée 60€
budget-sub-demande-withdraw = retirer sa demande
budget-ex-demande-withdraw = { $prefix }demande KPA retirer
budget-sub-demande-ask = demander un montant pour ses contributions (rétribution libre) ; la changer : une autre demande, ou modifie ton message
budget-ex-demande-ask =
    { $prefix }demande KPA 120€ pour l'atelier
    { $prefix }demande KPA 100€
budget-note-demande =
    La réponse montre tes heures et le taux horaire que ça fait. ❓ pour questionner, ✅ pour valider.
    #3 au lieu du code : { $prefix }demande #3 50€ (les numéros : { $prefix }budgets)
budget-landing-title = 🛬 Atterrissage de l'enveloppe { $envelope } : { $count ->
        [one] { $count } demande validée
       *[other] { $count } demandes validées
    } pour { $asked }, l'enveloppe a { $amount }. Les options côte à côte (chaque part au plus la demande, somme exacte, au centime) :
budget-landing-fits = ℹ️ Les demandes validées ({ $asked }) tiennent dans l'enveloppe ({ $amount }) : rien à faire atterrir, chacun reçoit sa demande. Pour clôturer : { $prefix }budget { $project } clore
budget-landing-total = Total
budget-landing-legend = Options : { $options }.
budget-landing-current = Appliquée : option { $number } ({ $option }) ; elle suit chaque changement des demandes.
budget-landing-applied = 🛬 Option { $number } ({ $option }) appliquée à l'enveloppe { $envelope }.
budget-landing-follows = Les montants accordés seront recalculés à chaque changement des demandes (montant, validation, retrait). Pour annuler : supprime ce message.
budget-landing-recomputed = ⚖️ Atterrissage recalculé ({ $option }) sur l'enveloppe { $envelope } : { $shares } (total { $total } sur { $amount }).
budget-landing-undone = ↩️ L'atterrissage de l'enveloppe { $envelope } est défait : les montants accordés sont ceux d'avant.
budget-landing-revised = ✍️ Demande #{ $id } { DE($who) } : montant révisé { $amount } (demandé : { $asked }). Il s'affiche dans { $prefix }budget { $project } atterrissage ; la demande elle-même ne change pas.
budget-landing-unrevised = ↩️ Demande #{ $id } { DE($who) } : montant révisé de nouveau { $amount }.
budget-landing-option-prorata = prorata
budget-landing-option-base = base égale de { $param } % de l'enveloppe, puis prorata
budget-landing-option-median = jusqu'à la demande médiane, puis prorata au-delà
budget-landing-option-floor = chaque demande protégée jusqu'à { $param }, puis prorata
budget-landing-col-revised = Révisé
budget-landing-col-prorata = Prorata
budget-landing-col-base = Base + prorata
budget-landing-col-median = Médiane
budget-landing-col-floor = Plancher
budget-landing-error-base = ⚠️ Après « base », il faut un pourcentage de l'enveloppe entre 0 et 100. Exemple : { $prefix }budget { $project } atterrissage base 40%
budget-landing-error-floor = ⚠️ Après « plancher », il faut un montant. Exemple : { $prefix }budget { $project } atterrissage plancher 150€
budget-landing-error-which = ⚠️ Quelle option appliquer ? Exemples : { $prefix }budget { $project } atterrissage appliquer 2 · { $prefix }budget { $project } atterrissage appliquer plancher (options : 1 prorata, 2 base, 3 mediane, 4 plancher)
budget-landing-error-usage = ⚠️ Je ne comprends pas « { $token } ». Exemples : { $prefix }budget { $project } atterrissage · { $prefix }budget { $project } atterrissage base 40% plancher 150€ · { $prefix }budget { $project } atterrissage appliquer 2
budget-landing-error-revise_usage = ⚠️ Exemple : { $prefix }demande { $id } révisée 60€ (le montant qui te semble juste pour la demande #{ $id })
budget-landing-error-revise_own = ⚠️ Seul l'auteur de la demande #{ $id } peut la réviser. Pour en parler : { $prefix }question { $id } pourquoi ce montant ?
budget-landing-error-revise_more = ⚠️ { $amount }, c'est plus que la demande #{ $id } ({ $asked }) : pour demander plus, refais ta demande ({ $prefix }demande { $project } { $amount }).
budget-consent-rule = consentement { $delay }
budget-consent-on = 🤫 Enveloppe { $envelope } : une demande sans objection ouverte est validée d'office { $delay } après avoir été faite (ou après le dernier changement de son montant). Objecter : ❓ ou { $prefix }question <n°> pourquoi.
budget-consent-off = 🔔 Enveloppe { $envelope } : plus de validation d'office ; une demande est validée par des ✅ de membres ou par un admin.
budget-consent-request_note = 🤫 Sans objection ouverte, elle sera validée d'office à partir du { $date } ({ $delay } de consentement).
budget-consent-objection = C'est une objection : la demande #{ $id } ne sera pas validée d'office tant qu'elle reste ouverte. La lever : { $prefix }question { $id } levée (ou retire ton ❓) ; un admin peut la trancher : { $prefix }question { $id } close.
budget-consent-own_question = (Une question sur sa propre demande n'est pas une objection : elle ne retient pas la validation d'office.)
budget-consent-lifted = 🕊️ { $who } lève son objection sur la demande #{ $id } { DE($author) } ({ $left ->
        [one] { $left } objection encore ouverte
       *[other] { $left } objections encore ouvertes
    }).
budget-consent-settled = ⚖️ { $who } tranche : { $n ->
        [one] objection close
       *[other] objections closes
    } sur la demande #{ $id } { DE($author) } ({ $n }). La validation d'office reprend son cours.
budget-consent-reopened = ↩️ L'objection sur la demande #{ $id } est de nouveau ouverte ({ $n }).
budget-consent-item = #{ $id } { $who } ({ $amount })
budget-consent-validated = 🤫 Enveloppe { $envelope } : délai de consentement ({ $delay }) passé sans objection ouverte, { $count ->
        [one] { $count } demande validée
       *[other] { $count } demandes validées
    } d'office : { $requests }. Le tableau : { $prefix }budget { $project }
budget-consent-days = { $n ->
        [one] { $n } jour
       *[other] { $n } jours
    }
budget-consent-error-delay = ⚠️ Après « consentement », il faut un délai en jours (de 1 à 90), ou « non » pour l'enlever. Exemples : { $prefix }budget { $project } consentement 5j · { $prefix }budget { $project } consentement non
budget-consent-error-proportional = ⚠️ Le consentement ne vaut qu'en rétribution libre (des demandes à valider) ; l'enveloppe { DE($project) } est répartie au prorata des heures. Voir : { $prefix }budget { $project }
budget-consent-error-not_yours = ⚠️ Seule la personne qui a posé l'objection la lève ; un admin peut la trancher : { $prefix }question { $id } close.
budget-consent-error-not_open = ℹ️ Cette objection sur la demande #{ $id } n'est plus ouverte. Le tableau : { $prefix }budget { $project }
budget-consent-error-not_due = ℹ️ Rien à valider d'office pour l'instant. Les enveloppes : { $prefix }budgets
budget-consent-error-objected = ℹ️ Une objection ouverte retient la validation d'office ; son auteur la lève avec { $prefix }question <n°> levée.
budget-consent-error-none_to_lift = ℹ️ Tu n'as pas d'objection ouverte sur la demande #{ $id }. Pour en poser une : { $prefix }question { $id } pourquoi ce montant ?
budget-consent-error-none_to_settle = ℹ️ Aucune objection ouverte sur la demande #{ $id } : rien à trancher. Pour la valider : { $prefix }valider { $id }
budget-help-taux = fourchette indicative de rémunération : { $prefix }taux KPA 15-25€/h (admins), { $prefix }taux KPA (voir)
budget-help-releve = relevé des compteurs : { $prefix }releve KPA avant le 15/12 (admins), { $prefix }releve KPA (où il en est)
budget-sub-taux-show = voir la fourchette indicative d'un projet ; sans projet, toutes
budget-ex-taux-show =
    { $prefix }taux KPA
    { $prefix }taux
budget-sub-taux-off = enlever la fourchette d'un projet ; sans projet, celle du salon
budget-ex-taux-off = { $prefix }taux KPA aucun
budget-sub-taux-set = fixer la fourchette indicative d'un projet ; sans projet, celle du salon (celle d'un projet l'emporte)
budget-ex-taux-set =
    { $prefix }taux KPA 15-25€/h
    { $prefix }taux KPA 120-200€/j
    { $prefix }taux 15-25€/h
    { $prefix }taux KPA 15-25€/h hausse 20%
budget-note-taux =
    Par jour : une journée dure { $prefix }reglages journee (7 h par défaut). Avec « hausse 20% », une demande ne peut pas dépasser de plus de 20 % celle de l'enveloppe précédente du projet.
    Chaque demande affiche son taux horaire face à la fourchette (🔺 au-dessus, 🔻 en dessous), sans être bloquée. Supprimer le message remet la fourchette d'avant.
budget-sub-releve-show = où en est le relevé des compteurs (qui a confirmé)
budget-ex-releve-show = { $prefix }releve KPA
budget-sub-releve-cancel = annuler le relevé en cours
budget-ex-releve-cancel = { $prefix }releve KPA annuler
budget-sub-releve-open = lancer un relevé des compteurs sur l'enveloppe ouverte : un message mentionne ceux qui ont des heures sur la période et les membres sans heures ; un rappel dans son fil la veille à 9 h (ou à mi-parcours) ; bilan à l'échéance à 9 h
budget-ex-releve-open =
    { $prefix }releve KPA avant le 15/12
    { $prefix }releve KPA jusqu'au 15 décembre
budget-note-releve =
    Au lieu du code, le numéro d'une enveloppe : { $prefix }releve #2 (les numéros : { $prefix }budgets).
    On confirme en ajoutant des heures sur le projet, en postant sa demande, ou en réagissant ✅ au message.
    Supprimer le message qui l'a lancé le supprime, tant que l'échéance n'est pas passée.
budget-rates-the_room = le salon
budget-rates-the_project = le projet { $project }
budget-rates-growth = (hausse limitée à { $pct } % d'une enveloppe à la suivante)
budget-rates-per_hour = (soit { $low } à { $high } de l'heure, pour une journée de { $day } h)
budget-rates-set = 📏 Fourchette indicative pour { $where } : { $range }{ $hourly }. Chaque demande affiche son taux horaire face à elle.
budget-rates-removed = 📏 Plus de fourchette indicative pour { $where }.
budget-rates-none = ℹ️ Pas de fourchette indicative pour { $where }. Un admin la fixe avec { $prefix }taux { $project } 15-25€/h (ou 120-200€/j).
budget-rates-shown = 📏 Fourchette indicative pour { $where } : { $range }{ $hourly }
budget-rates-shown_room = 📏 Pas de fourchette propre à { $project } : celle du salon s'applique, { $range }{ $hourly }
budget-rates-item = • { $where } : { $range }{ $hourly }
budget-rates-list =
    📏 Fourchettes indicatives :
    { $items }
    Celle d'un projet l'emporte sur celle du salon. Pour la changer : { $prefix }taux KPA 15-25€/h ; l'enlever : { $prefix }taux KPA aucun
budget-rates-table = 📏 Fourchette indicative : { $range } (🔺 au-dessus, 🔻 en dessous ; rien n'est bloqué)
budget-rates-range-h = { $low } à { $high } de l'heure
budget-rates-range-j = { $low } à { $high } par jour
budget-rates-flag-above = 🔺
budget-rates-flag-below = 🔻
budget-rates-note-within = 📏 Son taux horaire est dans la fourchette indicative ({ $range }).
budget-rates-note-above = 🔺 Son taux horaire est au-dessus de la fourchette indicative ({ $range }) : rien n'est bloqué, c'est une indication pour en parler.
budget-rates-note-below = 🔻 Son taux horaire est en dessous de la fourchette indicative ({ $range }) : rien n'est bloqué, tu peux demander plus.
budget-rates-note-no_hours = 📏 Pas encore d'heures sur cette période, donc pas de taux horaire à comparer à la fourchette indicative ({ $range }).
budget-rates-error-usage = ⚠️ Je ne lis pas « { $token } » comme une fourchette. Exemples : { $prefix }taux { $project } 15-25€/h · { $prefix }taux { $project } 120-200€/j · { $prefix }taux { $project } 15-25€/h hausse 20% · { $prefix }taux { $project } aucun
budget-rates-error-nothing_to_remove = ℹ️ Il n'y a pas de fourchette indicative pour { $where } : rien à enlever. Pour en fixer une : { $prefix }taux { $project } 15-25€/h
budget-rates-error-growth = ⛔ { $asked }, c'est trop : ta demande sur { $project } ne peut pas dépasser { $most }. Ta demande de l'enveloppe précédente ({ $period }) était de { $previous } et la hausse d'une enveloppe à la suivante est limitée à { $pct } % (fixé par un admin avec { $prefix }taux). Demande au plus { $most } : { $prefix }demande { $project } { $most }
budget-campaign-nobody = personne
budget-campaign-person_hours = { $who } ({ $hours } h)
budget-campaign-without = { " " }; et, sans heures sur la période pour l'instant : { $people }
budget-campaign-none = ℹ️ Pas de relevé des compteurs sur l'enveloppe { DE($project) }. Un admin le lance avec { $prefix }releve { $project } avant le 15/12
budget-campaign-cancelled = 🛑 Relevé des compteurs { DE($project) } annulé par { $who }.
budget-campaign-unconfirmed = ↩️ { $who } retire son ✅ du relevé des compteurs { DE($project) }.
budget-campaign-removed = ↩️ Le relevé des compteurs { DE($project) } (jusqu'au { $deadline }) est supprimé : plus de rappel ni de bilan.
budget-campaign-reopened = ↩️ Le relevé des compteurs { DE($project) } reprend, jusqu'au { $deadline }.
budget-campaign-reminder = ⏰ Rappel : le relevé des compteurs { DE($project) } se termine le { $deadline }. { $people } : complétez vos heures ({ $prefix }contrib 3h { $project } …) et postez votre demande ({ $prefix }demande { $project } 120€), ou réagissez ✅ au message ci-dessus si tout y est.
budget-campaign-report = 📋 Relevé des compteurs terminé pour { $envelope } : { $done } sur { $asked } ont confirmé. Confirmé : { $confirmed }. Sans réponse : { $missing }. Le tableau : { $prefix }budget { $project }
budget-campaign-opened-libre = 📋 Relevé des compteurs pour { $envelope }, jusqu'au { $deadline } : { $with_hours }{ $without }. Complétez vos heures ({ $prefix }contrib 3h { $project } …) et postez votre demande ({ $prefix }demande { $project } 120€) ; si tout y est déjà, réagissez ✅ à ce message. Rappel le { $remind } à ceux qui n'auront pas confirmé, bilan le { $deadline }.
budget-campaign-opened-proportionnel = 📋 Relevé des compteurs pour { $envelope }, jusqu'au { $deadline } : { $with_hours }{ $without }. Complétez vos heures ({ $prefix }contrib 3h { $project } …) : l'enveloppe est répartie au prorata des heures ; si tout y est déjà, réagissez ✅ à ce message. Rappel le { $remind } à ceux qui n'auront pas confirmé, bilan le { $deadline }.
budget-campaign-state-open = 📋 Relevé des compteurs { DE($project) } en cours jusqu'au { $deadline } : { $done } sur { $asked } ont confirmé. Confirmé : { $confirmed }. Pas encore : { $missing }.
budget-campaign-state-ended = 📋 Relevé des compteurs { DE($project) } terminé le { $deadline } : { $done } sur { $asked } ont confirmé. Confirmé : { $confirmed }. Sans réponse : { $missing }.
budget-campaign-state-cancelled = 📋 Le dernier relevé des compteurs { DE($project) } a été annulé. Pour en relancer un : { $prefix }releve { $project } avant le 15/12
budget-campaign-error-usage = ⚠️ Exemples : { $prefix }releve { $project } avant le 15/12 (lancer, admins) · { $prefix }releve { $project } (où il en est) · { $prefix }releve { $project } annuler (admins)
budget-campaign-error-past = ⚠️ Le { $date }, c'est aujourd'hui ou déjà passé : il faut une date à venir. Exemple : { $prefix }releve { $project } avant le 15/12
budget-campaign-error-deadline_passed = ⚠️ L'échéance du relevé { DE($project) } est déjà passée : il faut une date à venir. Exemple : { $prefix }releve { $project } avant le 15/12
budget-campaign-error-too_far = ⚠️ Un relevé dure au plus { $days } jours. Choisis une date plus proche : { $prefix }releve { $project } avant le 15/12
budget-campaign-error-already = ⚠️ Un relevé des compteurs est déjà en cours sur l'enveloppe { DE($project) }. Où il en est : { $prefix }releve { $project } ; pour l'annuler : { $prefix }releve { $project } annuler
budget-campaign-error-none_open = ℹ️ Pas de relevé des compteurs en cours sur l'enveloppe { DE($project) } : rien à annuler. Pour en lancer un : { $prefix }releve { $project } avant le 15/12
budget-campaign-error-not_open = ℹ️ Ce relevé des compteurs { DE($project) } n'est plus en cours. Où il en est : { $prefix }releve { $project }
budget-campaign-error-ended = ⛔ Le relevé des compteurs { DE($project) } est terminé : plus rien n'y entre ni n'en sort. Son bilan : { $prefix }releve { $project }
budget-campaign-error-envelope_closed = ⚠️ L'enveloppe { DE($project) } est clôturée : pas de relevé des compteurs dessus. Les enveloppes : { $prefix }budgets
budget-campaign-error-not_due = ℹ️ L'échéance du relevé { DE($project) } n'est pas encore arrivée. Où il en est : { $prefix }releve { $project }
budget-landing-vote-opened = 🗳️ Vote sur l'atterrissage de l'enveloppe { $envelope }, jusqu'au { $deadline } : chacun vote en réagissant à ce message avec le chiffre d'une option. Une voix par personne : ta dernière réaction compte, la retirer retire ta voix.
budget-landing-vote-options = { $options }
budget-landing-vote-option = { $key } { $option }
budget-landing-vote-at_deadline = À l'échéance, l'option qui a le plus de voix est appliquée, calculée sur les demandes validées à ce moment-là ; en cas d'égalité, un admin tranche. Les montants de chaque option : { $prefix }budget { $project } atterrissage
budget-landing-vote-tally = Voix : { $counts } ({ $voters ->
        [one] { $voters } votant
       *[other] { $voters } votants
    }).
budget-landing-vote-count = { $number }. { $votes }
budget-landing-vote-running = 🗳️ Vote en cours jusqu'au { $deadline } ; voix : { $counts } ({ $voters ->
        [one] { $voters } votant
       *[other] { $voters } votants
    }). Voter : réagir au message du vote avec { $keys }. Admins, pour l'annuler : { $prefix }budget { $project } atterrissage vote annuler
budget-landing-vote-tied_pending = ⚖️ Le dernier vote s'est terminé sur une égalité entre les options { $options } : un admin tranche avec { $prefix }budget { $project } atterrissage appliquer { $first }.
budget-landing-vote-until_day = { $date } inclus
budget-landing-vote-until_time = { $date } à { $time }
budget-landing-vote-won = 🗳️ Vote clos sur l'atterrissage de l'enveloppe { $envelope } : l'option { $number } ({ $option }) l'emporte ; voix : { $counts }.
budget-landing-vote-tie = 🗳️ Vote clos sur l'atterrissage de l'enveloppe { $envelope } : égalité entre les options { $options } ; voix : { $counts }. Rien n'est appliqué : un admin tranche en appliquant l'une d'elles, par exemple { $prefix }budget { $project } atterrissage appliquer { $first }
budget-landing-vote-empty = 🗳️ Vote clos sur l'atterrissage de l'enveloppe { $envelope } : personne n'a voté, rien n'est appliqué. Un admin peut appliquer une option ({ $prefix }budget { $project } atterrissage appliquer 2) ou ouvrir un nouveau vote.
budget-landing-vote-fits = 🗳️ Vote clos sur l'atterrissage de l'enveloppe { $envelope } : les demandes validées ({ $asked }) tiennent maintenant dans l'enveloppe ({ $amount }), il n'y a plus rien à faire atterrir ; rien n'est appliqué.
budget-landing-vote-frozen = 🗳️ Vote clos sur l'atterrissage de l'enveloppe { $envelope }, qui a été clôturée entre-temps : rien n'est appliqué.
budget-landing-vote-recomputed = Les demandes ont changé pendant le vote : les options sont recalculées sur les demandes validées d'aujourd'hui.
budget-landing-vote-unchanged = Les demandes validées n'ont pas changé depuis l'ouverture du vote.
budget-landing-vote-cancelled = 🚫 Vote sur l'atterrissage de l'enveloppe { $envelope } annulé : rien n'est appliqué, les réactions à son message ne comptent plus. Un admin peut appliquer une option ({ $prefix }budget { $project } atterrissage appliquer 2) ou ouvrir un autre vote.
budget-landing-vote-uncancelled = ↩️ Le vote sur l'atterrissage de l'enveloppe { $envelope } reprend, jusqu'au { $deadline }.
budget-landing-vote-unopened = ↩️ Le vote sur l'atterrissage de l'enveloppe { $envelope } est retiré : les réactions à son message ne comptent plus.
budget-landing-vote-withdrawn = La voix de { $who } est retirée.
budget-landing-vote-follows = Les montants accordés seront recalculés à chaque changement des demandes (montant, validation, retrait). Pour appliquer une autre option (admins) : { $prefix }budget { $project } atterrissage appliquer 2
budget-landing-vote-votes = { $n } voix
budget-landing-vote-error-usage = ⚠️ Jusqu'à quand dure le vote ? Exemples : { $prefix }budget { $project } atterrissage vote jusqu'au 15/12 · { $prefix }budget { $project } atterrissage vote 3j · pour annuler un vote en cours (admins) : { $prefix }budget { $project } atterrissage vote annuler
budget-landing-vote-error-past_date = ⚠️ Cette échéance ({ $date }) est déjà passée : choisis une date à venir. Exemple : { $prefix }budget { $project } atterrissage vote 3j
budget-landing-vote-error-past = ⚠️ L'échéance de ce vote est passée. Pour en ouvrir un autre : { $prefix }budget { $project } atterrissage vote 3j
budget-landing-vote-error-too_far = ⚠️ Un vote dure au plus { $days } jours. Exemple : { $prefix }budget { $project } atterrissage vote 14j
budget-landing-vote-error-already = ⚠️ Un vote sur l'atterrissage de { $project } est déjà en cours. Où il en est : { $prefix }budget { $project } atterrissage · pour l'annuler (admins) : { $prefix }budget { $project } atterrissage vote annuler
budget-landing-vote-error-none_open = ℹ️ Aucun vote en cours sur l'atterrissage de { $project }. Pour en ouvrir un : { $prefix }budget { $project } atterrissage vote 3j
budget-landing-vote-error-counted = ⚠️ Ce vote est clos et compté : son résultat reste. Pour appliquer une autre option (admins) : { $prefix }budget { $project } atterrissage appliquer 2
budget-landing-vote-error-closed = ℹ️ Le vote sur l'atterrissage de { $project } est clos : cette réaction ne change plus rien. Où en est l'enveloppe : { $prefix }budget { $project } atterrissage
budget-landing-vote-error-not_due = ℹ️ Ce vote n'est pas encore arrivé à son échéance. Les enveloppes : { $prefix }budgets
budget-landing-vote-error-not_yours = ⚠️ Seule la personne qui a voté peut retirer sa voix. Où en est le vote : { $prefix }budget { $project } atterrissage
budget-landing-vote-error-running = ⚠️ Un vote est en cours jusqu'au { $deadline } : l'option qui aura le plus de voix sera appliquée. Pour appliquer une option dès maintenant, annule d'abord le vote : { $prefix }budget { $project } atterrissage vote annuler
budget-landing-vote-error-not_tied = ⚠️ Le vote s'est terminé sur une égalité entre les options { $options } : un admin tranche en appliquant l'une d'elles ({ $prefix }budget { $project } atterrissage appliquer { $first }). Pour choisir une autre option, ouvre un nouveau vote : { $prefix }budget { $project } atterrissage vote 3j
budget-error-ambiguous = ⚠️ { $project } a plusieurs enveloppes ouvertes ({ $periods }) : précise la période ou le numéro. Exemples : { $prefix }budget { $project } novembre · { $prefix }budget #3
budget-landing-hint = Admins : { $prefix }budget { $project } atterrissage appliquer 2 (ou prorata, base, mediane, plancher), ou faire voter la salle par réaction : { $prefix }budget { $project } atterrissage vote 3j. Paramètres : base 40% · plancher 150€. Chacun peut dire ce qui lui semble juste : { $prefix }demande <n°> révisée 60€
budget-sub-budget-list = les enveloppes du salon (comme { $prefix }budgets)
budget-sub-budget-show = le tableau de l'enveloppe ouverte du projet (demandes, ou répartition provisoire) ; avec une période, celle de cette période
budget-ex-budget-show =
    { $prefix }budget KPA
    { $prefix }budget KPA octobre
budget-sub-budget-source = ajouter une source à l'enveloppe, un nom et un montant (admins ou son soucieux) ; { $prefix }prestation en verse une part d'une prestation
budget-ex-budget-source = { $prefix }budget KPA source subvention 2000€
budget-sub-budget-owner = changer le soucieux d'une enveloppe, qui la règle comme un admin (admins)
budget-ex-budget-owner =
    { $prefix }budget KPA soucieux @bob
    { $prefix }budget KPA soucieux aucun
budget-sub-budget-consent = une demande sans objection ouverte (❓, { $prefix }question) est validée d'office au bout du délai
budget-ex-budget-consent =
    { $prefix }budget KPA consentement 5j
    { $prefix }budget KPA consentement non
budget-sub-budget-give = rendre une partie de sa part au commun
budget-ex-budget-give =
    { $prefix }budget KPA je-donne 50%
    { $prefix }budget KPA je-donne 30€
    { $prefix }budget KPA je-donne tout
budget-sub-budget-decline = rendre toute sa part au commun
budget-ex-budget-decline = { $prefix }budget KPA je-refuse
budget-sub-budget-prorata = appliquer le prorata aux demandes validées (admins) ; il suit ensuite chaque changement des demandes
budget-ex-budget-prorata = { $prefix }budget KPA prorata
budget-sub-budget-agree = fixer le montant convenu d'une demande (admins)
budget-ex-budget-agree = { $prefix }budget KPA accord 3 80€
budget-sub-budget-landing = quand les demandes validées dépassent l'enveloppe : les options côte à côte (1 prorata, 2 base égale puis prorata, 3 jusqu'à la demande médiane, 4 plancher protégé puis prorata) ; appliquer l'une (admins), elle suit ensuite chaque changement des demandes et un accord fixé à la main l'arrête ; ou la faire choisir par réaction (voir ci-dessous)
budget-ex-budget-landing =
    { $prefix }budget KPA atterrissage
    { $prefix }budget KPA atterrissage base 30% plancher 100€
    { $prefix }budget KPA atterrissage appliquer 2
budget-sub-budget-landing_vote = faire choisir l'option d'atterrissage par réaction avant une échéance : à l'échéance, celle qui a le plus de voix est appliquée, en cas d'égalité un admin tranche
budget-ex-budget-landing_vote =
    { $prefix }budget KPA atterrissage vote jusqu'au 15/12
    { $prefix }budget KPA atterrissage vote 3j
    { $prefix }budget KPA atterrissage vote annuler
budget-sub-budget-close = figer la répartition, la poster et l'exporter en CSV (admins)
budget-ex-budget-close = { $prefix }budget KPA clore
budget-sub-budget-csv = l'export CSV d'une enveloppe clôturée
budget-ex-budget-csv = { $prefix }budget KPA csv
budget-sub-budget-create = créer une enveloppe (admins) : un montant, une période (novembre · du 01/10 au 30/11 · 2026) et, dans l'ordre qu'on veut, libre (par défaut : chacun demande avec { $prefix }demande) ou proportionnel (réparti au prorata des heures, avec les règles), plafond 600€, taux 20€/h, commun 10%, min 5h, validations 2, consentement 5j ; une enveloppe de mission (cette année si aucune période), à côté des autres, avec mission "…" et soucieux @bob, qui la règle comme un admin
budget-ex-budget-create =
    { $prefix }budget KPA 2000€ novembre
    { $prefix }budget KPA 1000€ novembre proportionnel plafond 400€ commun 10%
    { $prefix }budget KPA 300€ novembre consentement 5j
    { $prefix }budget KPA 500€ mission "Fête de quartier" soucieux @bob
budget-note-budget =
    #3 au lieu du code : { $prefix }budget #3 · { $prefix }budget #3 clore · { $prefix }demande #3 50€ (les numéros : { $prefix }budgets)
    Supprimer le message qui a créé une enveloppe ouverte la supprime.

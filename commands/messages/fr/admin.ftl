admin-language_is = 🌐 Langue du salon : { $lang } (possibles : { $choices }). Un admin la change avec { $prefix }langue en.
admin-language_set = 🌐 C'est noté : je parle français dans ce salon.
admin-timezone_is = 🕐 Fuseau horaire du salon : { $tz }.
admin-timezone_set = 🕐 Fuseau horaire du salon : { $tz }.
admin-settings_title = ⚙️ Réglages du salon :
admin-setting_line = • { $setting } : { $value }
admin-setting_set = ⚙️ { $setting } : { $value }.
admin-days = { $days } jours
admin-setting-language = Langue
admin-setting-timezone = Fuseau horaire
admin-setting-currency = Devise
admin-setting-day = Durée d'une journée (2j = …)
admin-setting-max_entry = Maximum par contribution
admin-setting-admin_level = Niveau de pouvoir admin (Matrix)
admin-setting-max_past_days = Recul maximal d'une date sans année
admin-field-day_minutes = Durée d'une journée
admin-field-max_entry_minutes = Maximum par contribution
admin-field-admin_level = Niveau de pouvoir admin
admin-field-currency = Devise
admin-field-max_past_days = Recul maximal d'une date sans année
admin-error-currency = ⚠️ « { $value } » n'est pas une devise en cours (code ISO 4217 à trois lettres). Exemples : { $prefix }reglages devise EUR · { $prefix }reglages devise CHF · { $prefix }reglages devise XOF
admin-error-currency_round = ⛔ Le tour « { $title } » est ouvert : ses soldes et ses buckets sont en { $currency }, la devise du salon ne peut pas changer avant sa fermeture ({ $prefix }tour fermer).
admin-error-currency_envelope = ⛔ L'enveloppe { $envelope } est ouverte : ses montants sont en { $currency }, la devise du salon ne peut pas changer avant sa clôture ({ $prefix }budget { $code } clore).
admin-error-language = ⚠️ Langue « { $lang } » inconnue. Possibles : { $choices }. Exemple : { $prefix }langue en
admin-error-timezone = ⚠️ Fuseau « { $tz } » inconnu. Exemple : !fuseau Europe/Paris
admin-error-duration = ⚠️ « { $value } » n'est pas une durée possible ici. Exemple : 7h
admin-error-setting = ⚠️ Réglage inconnu. Possibles : { $prefix }reglages journee 7h · { $prefix }reglages max 12h · { $prefix }reglages admin 50 · { $prefix }reglages devise EUR · { $prefix }reglages passé 1an · { $prefix }reglages conservation 1an
admin-error-admin_level = ⚠️ « { $value } » : le niveau admin est un nombre entier de 0 à { $most }. Exemple : { $prefix }reglages admin 50
admin-error-past_days = ⚠️ « { $value } » : donne un nombre de jours de { $least } à { $most }, ou des semaines, des mois, des ans. Exemples : { $prefix }reglages passé 90j · { $prefix }reglages passé 2ans
admin-setting-retention_days = Conservation des messages traités et des réponses
admin-field-retention_days = Conservation des messages traités et des réponses
admin-forever = toujours
admin-error-retention = ⚠️ « { $value } » : donne un nombre de jours de { $least } à { $most }, ou des semaines, des mois, des ans, ou « toujours ». Exemples : { $prefix }reglages conservation 90j · { $prefix }reglages conservation 1an · { $prefix }reglages conservation toujours
admin-help-langue = langue du salon : { $prefix }langue en (admins)
admin-help-fuseau = fuseau horaire du salon : { $prefix }fuseau Europe/Paris (admins)
admin-help-reglages = voir ou changer les réglages du salon
admin-sub-langue-show = la langue du salon et les langues possibles
admin-sub-langue-set = changer la langue du salon
admin-ex-langue-set =
    { $prefix }langue en
    { $prefix }langue français
admin-sub-fuseau-show = le fuseau horaire du salon
admin-sub-fuseau-set = changer le fuseau horaire du salon
admin-ex-fuseau-set = { $prefix }fuseau Europe/Paris
admin-sub-reglages-show = affiche les réglages du salon
admin-sub-reglages-day = durée d'une journée (pour « 2j »)
admin-ex-reglages-day = { $prefix }reglages journee 7h
admin-sub-reglages-max = durée maximale d'une contribution
admin-ex-reglages-max = { $prefix }reglages max 12h
admin-sub-reglages-admin = niveau de pouvoir Matrix à partir duquel on est admin
admin-ex-reglages-admin = { $prefix }reglages admin 50
admin-sub-reglages-past = une date sans année (12/11) ne remonte pas plus loin ; au-delà, on écrit l'année (12/11/2025)
admin-ex-reglages-past =
    { $prefix }reglages passé 1an
    { $prefix }reglages passé 90j
admin-sub-reglages-retention = durée de conservation des messages traités et des réponses ordinaires (toujours : tout garder) ; le registre et l'historique des changements restent toujours
admin-ex-reglages-retention =
    { $prefix }reglages conservation 90j
    { $prefix }reglages conservation toujours
admin-sub-reglages-currency = devise du salon
admin-ex-reglages-currency = { $prefix }reglages devise EUR

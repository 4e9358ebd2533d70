admin-language_is = 🌐 Room language: { $lang } (available: { $choices }). An admin changes it with { $prefix }language fr.
admin-language_set = 🌐 Noted: I speak English in this room.
admin-timezone_is = 🕐 Room time zone: { $tz }.
admin-timezone_set = 🕐 Room time zone: { $tz }.
admin-settings_title = ⚙️ Room settings:
admin-setting_line = • { $setting }: { $value }
admin-setting_set = ⚙️ { $setting }: { $value }.
admin-days = { $days } days
admin-setting-language = Language
admin-setting-timezone = Time zone
admin-setting-currency = Currency
admin-setting-day = Length of a day (2d = …)
admin-setting-max_entry = Maximum per contribution
admin-setting-admin_level = Admin power level (Matrix)
admin-setting-max_past_days = Furthest back a date without its year goes
admin-field-day_minutes = Length of a day
admin-field-max_entry_minutes = Maximum per contribution
admin-field-admin_level = Admin power level
admin-field-currency = Currency
admin-field-max_past_days = Furthest back a date without its year goes
admin-error-currency = ⚠️ “{ $value }” is not a currency in use (a three-letter ISO 4217 code). Examples: { $prefix }settings currency EUR · { $prefix }settings currency CHF · { $prefix }settings currency XOF
admin-error-currency_round = ⛔ Round “{ $title }” is open: its balances and buckets are in { $currency }, the room's currency cannot change before it closes ({ $prefix }round close).
admin-error-currency_envelope = ⛔ Envelope { $envelope } is open: its amounts are in { $currency }, the room's currency cannot change before it is closed ({ $prefix }budget { $code } close).
admin-error-language = ⚠️ Unknown language “{ $lang }”. Available: { $choices }. Example: { $prefix }language fr
admin-error-timezone = ⚠️ Unknown time zone “{ $tz }”. Example: !timezone Europe/Paris
admin-error-duration = ⚠️ “{ $value }” is not a possible duration here. Example: 7h
admin-error-setting = ⚠️ Unknown setting. Available: { $prefix }settings day 7h · { $prefix }settings max 12h · { $prefix }settings admin 50 · { $prefix }settings currency EUR · { $prefix }settings past 1y · { $prefix }settings keep 1y
admin-error-admin_level = ⚠️ “{ $value }”: the admin level is a whole number from 0 to { $most }. Example: { $prefix }settings admin 50
admin-error-past_days = ⚠️ “{ $value }”: give a number of days from { $least } to { $most }, or weeks, months, years. Examples: { $prefix }settings past 90d · { $prefix }settings past 2y
admin-setting-retention_days = Keeping handled messages and answers
admin-field-retention_days = Keeping handled messages and answers
admin-forever = forever
admin-error-retention = ⚠️ “{ $value }”: give a number of days from { $least } to { $most }, or weeks, months, years, or “forever”. Examples: { $prefix }settings keep 90d · { $prefix }settings keep 1y · { $prefix }settings keep forever
admin-help-langue = room language: { $prefix }language fr (admins)
admin-help-fuseau = room time zone: { $prefix }timezone Europe/Paris (admins)
admin-help-reglages = see or change the room's settings
admin-sub-langue-show = the room's language and the languages available
admin-sub-langue-set = change the room's language
admin-ex-langue-set =
    { $prefix }language fr
    { $prefix }language english
admin-sub-fuseau-show = the room's time zone
admin-sub-fuseau-set = change the room's time zone
admin-ex-fuseau-set = { $prefix }timezone Europe/Paris
admin-sub-reglages-show = shows the room's settings
admin-sub-reglages-day = length of a day (for “2d”)
admin-ex-reglages-day = { $prefix }settings day 7h
admin-sub-reglages-max = longest single contribution
admin-ex-reglages-max = { $prefix }settings max 12h
admin-sub-reglages-admin = Matrix power level from which one is admin
admin-ex-reglages-admin = { $prefix }settings admin 50
admin-sub-reglages-past = a date without its year (12/11) goes no further back; beyond, type the year (12/11/2025)
admin-ex-reglages-past =
    { $prefix }settings past 1y
    { $prefix }settings past 90d
admin-sub-reglages-retention = how long handled messages and ordinary answers are kept (forever: keep everything); the ledger and the change history are always kept
admin-ex-reglages-retention =
    { $prefix }settings keep 90d
    { $prefix }settings keep forever
admin-sub-reglages-currency = the room's currency
admin-ex-reglages-currency = { $prefix }settings currency EUR

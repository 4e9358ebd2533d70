# The words the bot reads in English: dates, periods, durations, amounts. Written as the grammar
# reads them (lower case, no accents), separated by commas; a list of days or months is in
# order, and "fevr/fev" would give two spellings of one month. Every language's words are
# understood in every room.

words-weekdays = monday, tuesday, wednesday, thursday, friday, saturday, sunday
words-weekdays_short = mon, tue, wed, thu, fri, sat, sun
words-months = january, february, march, april, may, june, july, august, september, october, november, december
words-months_short = jan, feb, mar, apr, may, jun, jul, aug, sep, oct, nov, dec
words-today = today
words-yesterday = yesterday
words-day_before_yesterday = { "" }
words-tomorrow = tomorrow
words-day_after_tomorrow = { "" }
words-unit_hours = h, hr, hrs, hour, hours
words-unit_minutes = m, min, mins, minute, minutes
words-unit_days = d, day, days
words-unit_weeks = w, wk, week, weeks
words-unit_months = month, months
words-unit_years = y, yr, year, years
words-period-this_month = this month
words-period-last_month = last month
words-period-this_week = this week
words-period-last_week = last week
words-period-this_year = this year
words-period-last_year = last year
words-period-all = all, all time
words-currency-EUR = €, eur, euro, euros
words-currency-USD = $, usd
words-currency-CHF = chf
words-currency-GBP = £, gbp

# The words of subcommands (words-sub-<command>-<subcommand>): help shows the first; those of
# every language are read everywhere.
words-sub-reglages-day = day
words-sub-reglages-max = max, maximum
words-sub-reglages-admin = admin, admin-level
words-sub-reglages-past = past
words-sub-reglages-retention = keep, retention
words-sub-reglages-currency = currency
words-forever = forever, never, unlimited
words-sub-projets-archived = archived, archive, archives
words-sub-projet-add = add, create, new
words-sub-projet-rename = rename
words-sub-projet-archive = archive
words-sub-projet-reopen = reopen, unarchive
words-sub-projet-default = default
words-none = none, off
words-sub-page-renew = new-link, newlink, new, renew, revoke
words-sub-page-all = all, everyone
words-sub-page-public = public, open
words-sub-page-off = off, disable, close
words-sub-page-on = on, enable
words-sub-export-csv = csv
words-csv = csv
words-sub-recap-plan = schedule, plan

# cobudget
words-sub-tour-show = show, info
words-sub-tour-open = open, new, create
words-sub-tour-close = close, end
words-sub-tour-reactions = reactions, reaction, values
words-sub-allouer-everyone = everyone, all, members
words-sub-allouer-hours = contributions, contribution, hours, contribs
words-sub-bucket-complete = done, complete
words-sub-bucket-cancel = cancel, delete
words-sub-solde-all = everyone, all, members
# what a bucket's deadline, its most and its goal are introduced by
words-cobudget-deadline = until, till, deadline
words-cobudget-max = max, maximum, up-to
words-cobudget-min = min, minimum, goal

# budget
words-sub-question-lift = lifted, lift, withdrawn, withdraw
words-sub-question-settle = settled, settle, closed, close
words-sub-taux-off = none, off, no, stop
words-sub-releve-cancel = cancel, stop
words-sub-demande-revised = revised, revise, revision
words-sub-demande-withdraw = withdraw, cancel
words-sub-budget-give = give, give-back, giveback
words-sub-budget-decline = decline
words-sub-budget-close = close
words-sub-budget-csv = csv, export
words-sub-budget-prorata = prorata, scale
words-sub-budget-agree = agree, agreed
words-sub-budget-landing = landing, land
words-sub-budget-source = source, top-up, topup
words-sub-budget-owner = owner
words-sub-budget-consent = consent, consensus
# the terms of a new envelope (!budget KPA 2000€ november proportional cap 600€ …)
words-budget-mode-libre = free
words-budget-mode-proportional = proportional, prop, hours
words-budget-cap = cap, max
words-budget-rate = rate
words-budget-commons = commons, common
words-budget-min = min, minimum
words-budget-validations = validations, validators
words-budget-label = event, label, mission
# a landing chosen by the room's reactions (!budget KPA atterrissage vote 3j)
words-budget-landing-vote = vote, votes, poll

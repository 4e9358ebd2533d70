budget-per_hour = { $amount }/h
budget-pct = { $pct }%
budget-quoted = “{ $text }”
budget-why = : “{ $text }”
budget-no_why = { " " }without saying why
budget-show_title = 💰 Envelope #{ $id } { $envelope }: { $amount } — { $rules } — { $state }
budget-provisional = Provisional split (it follows the contributions until the envelope is closed):
budget-frozen = 🔒 Split frozen when the envelope was closed:
budget-limited_some = { "*" } Limited by the cap or the rate: { $names }. What they leave ({ $amount }) goes to the others, in proportion to their hours.
budget-limited_all = { "*" } Everyone reached their limit (cap or rate): { $names }. { $left } stays in the envelope.
budget-excluded = Not included (fewer than { $hours } h): { $names }.
budget-given_back = 🎁 Given back to the commons: { $gifts }.
budget-totals = Total: { $paid } to people + { $commons } to the commons + { $left } left = { $amount }.
budget-libre_totals = Validated requests: { $validated } out of an envelope of { $amount } (asked in all: { $asked }).
budget-libre_totals_closed = Total: { $paid } paid + { $left } left = { $amount }.
budget-over = ⚖️ Validated requests exceed the envelope by { $over }. Pro-rata proposal (each request × { $factor }, to the cent, exact sum):
budget-over_hint = Admins: { $prefix }budget { $project } prorata to apply it, or { $prefix }budget { $project } agree <no.> <amount> for an amount agreed together, then { $prefix }budget { $project } close. Other ways to land, side by side: { $prefix }budget { $project } landing
budget-no_requests = No request yet. To ask: { $prefix }request { $project } 120€ [message]
budget-none = ℹ️ No envelope in this room. Admins create one: { $prefix }budget KPA 2000€ november
budget-list_title = 💰 Envelopes of the room ({ $count }):
budget-closed_notice = 🔒 The envelope { $envelope } is closed: its frozen split does not change.
budget-closed_now = 🔒 Envelope { $envelope } closed.
budget-deleted = { $cause }: the envelope { $envelope } is deleted.
budget-csv_caption = 📎 Split of the envelope { $envelope } for payroll: { $count ->
        [one] { $count } person
       *[other] { $count } people
    }.
budget-unpaid = ℹ️ Requests not validated, hence not paid: { $requests }.
budget-gave_back = 🎁 { $who } gives { $given } of their share of the envelope { $envelope } back to the commons: it goes from { $gross } to { $net }. To cancel: delete your message.
budget-give_back_undone = { $cause }: { $who } no longer gives anything back to the commons.
budget-request_saved =
    🙋 Request #{ $id } by { $who }: { $amount } from the envelope { $envelope }.
    Hours of { $who } on this project and period: { $hours } h → { $rate }.{ $message }
    React ❓ to question it, ✅ to validate it ({ $n } ✅ from members, or one from an admin). To change it: edit your message or send { $prefix }request again.
budget-request_updated =
    ✏️ Request #{ $id } by { $who } changed: { $amount } from the envelope { $envelope } (validations start again from zero).
    Hours of { $who } on this project and period: { $hours } h → { $rate }.{ $message }
    React ❓ to question it, ✅ to validate it ({ $n } ✅ from members, or one from an admin).
budget-withdrawn = ↩️ Request #{ $id } by { $who } withdrawn.
budget-questioned = ❓ { $who } questions request #{ $id } by { $author } ({ $amount }){ $why }. For your attention: { $told }. Let's talk it over here; to change the request: { $prefix }request { $project } <amount>.
budget-questioned_quiet = ❓ { $who } questions request #{ $id } by { $author } ({ $amount }){ $why }. Let's talk it over here; to change the request: { $prefix }request { $project } <amount>.
budget-unquestioned = ↩️ { $who } withdraws their question on request #{ $id }.
budget-validated = ✅ Request #{ $id } by { $author } ({ $amount }) validated ({ $who }; { $votes ->
        [one] { $votes } validation
       *[other] { $votes } validations
    }).
budget-vote = 👍 { $who } validates request #{ $id } by { $author }: { $votes }/{ $needed }.
budget-unvalidated = ↩️ { $who } withdraws their validation of request #{ $id }: { $votes }/{ $needed }, { $state }.
budget-agreed = 🤝 Request #{ $id } by { $author }: { $amount } agreed (asked: { $asked }).
budget-unagreed = ↩️ Agreement on request #{ $id } by { $author } undone: amount kept { $amount }; { $votes }/{ $needed }, { $state }.
budget-prorata_applied = ⚖️ Pro rata applied to the envelope { $envelope }.
budget-kept_request = Nothing has changed: request #{ $id } stays as it was ({ $amount }).
budget-kept_envelope = Nothing has changed: envelope #{ $id } { $envelope } stays as it was.
budget-create_command = { $prefix }budget { $code } <amount>
budget-mode-libre = free payout (rétribution libre)
budget-mode-proportionnel = in proportion to hours
budget-state-open = open
budget-state-closed = closed
budget-rule-cap = cap { $amount }
budget-rule-rate = max rate { $amount }/h
budget-rule-commons = commons { $pct }%
budget-rule-min = minimum { $hours } h
budget-note-limited = limited (cap or rate)
budget-note-given_back = gives { $amount } back to the commons
budget-note-request = request #{ $id } ({ $asked })
budget-req_state-validated = ✅ validated
budget-req_state-not_validated = not validated
budget-req_state-pending = ⏳ { $votes }/{ $needed } ✅
budget-req_state-questions = ❓×{ $n }
budget-created-libre =
    💰 Envelope #{ $id } created: { $amount } for { $project } ({ $period }), as { $rules }.
    Everyone asks what they wish for their contributions: { $prefix }request { $project } 120€ [message]. ❓ to question a request, ✅ to validate it ({ $n } ✅ from members or an admin). The table: { $prefix }budget { $project }
budget-created-proportionnel =
    💰 Envelope #{ $id } created: { $amount } for { $project } ({ $period }) — { $rules }.
    Provisional split (it follows the contributions until closing; { $prefix }budget { $project } to see it again):
budget-col-person = Person
budget-col-hours = Hours
budget-col-share = Share
budget-col-amount = Amount
budget-col-rate = Per hour
budget-col-note = Note
budget-col-asked = Asked
budget-col-granted = Granted
budget-col-state = State
budget-col-prorata = Pro rata
budget-col-project = Project
budget-col-period = Period
budget-col-mode = Mode
budget-col-left = Left
budget-csv-person = Person
budget-csv-user = User id
budget-csv-hours = Hours
budget-csv-amount = Amount
budget-csv-currency = Currency
budget-csv-rules = Rules applied
budget-recap-title = 💰 Open envelopes ({ $count })
budget-recap-proportional = { $project } ({ $period }, { $amount }) — provisional: { $people }
budget-recap-libre = { $project } ({ $period }, { $amount }) — { $count ->
        [one] { $count } request
       *[other] { $count } requests
    }, { $validated } validated, { $asked } asked
budget-error-no_envelope = ⚠️ No envelope for { $project } in that period. Admins create one: { $prefix }budget { $project } 2000€ november
budget-error-closed = 🔒 The envelope { $envelope } is closed: no more requests, questions or changes. Its frozen split does not change. The envelopes: { $prefix }budgets
budget-error-amount = ⚠️ “{ $token }”: the amount must be positive. Example: 2000€, 120.50 €
budget-error-currency = ⚠️ “{ $token }”: this room counts in { $currency }. Type the amount without a currency (120) or in { $currency }.
budget-error-cap = ⚠️ “cap” needs an amount. Example: { $prefix }budget KPA 2000€ november cap 600€
budget-error-rate = ⚠️ “rate” needs an amount per hour. Example: { $prefix }budget KPA 2000€ november rate 20€/h
budget-error-commons = ⚠️ “commons” needs a percentage from 0 to 100 (excluded). Example: { $prefix }budget KPA 2000€ november commons 10%
budget-error-min = ⚠️ “min” needs a number of hours. Example: { $prefix }budget KPA 2000€ november min 5h
budget-error-validations = ⚠️ “validations” needs a number from 1 to 100. Example: { $prefix }budget KPA 2000€ november validations 3
budget-error-bad_token = ⚠️ I don't understand “{ $token }”. Examples: { $prefix }budget KPA 2000€ november · { $prefix }budget KPA 2000€ from 01/10 to 30/11 proportional cap 600€ rate 20€/h commons 10% min 5h ({ $prefix }help budget)
budget-error-missing_amount = ⚠️ The envelope's amount is missing. Example: { $prefix }budget KPA 2000€ november
budget-error-missing_period = ⚠️ The period is missing. Examples: { $prefix }budget KPA 2000€ november · { $prefix }budget KPA 2000€ from 01/10 to 30/11
budget-error-rules_need_proportional = ⚠️ Cap, rate, commons and minimum hours only apply in proportional mode (in free payout, people ask). Example: { $prefix }budget KPA 2000€ november proportional cap 600€
budget-error-future = ⚠️ The period { $period } has not started: only what was contributed is shared. Example: { $prefix }budget KPA 2000€ last month
budget-error-overlap = ⚠️ { $project } already has an envelope overlapping this period (#{ $id }, { $period }). Choose another period, or delete the message that created it. The envelopes: { $prefix }budgets
budget-error-no_contributions = ⚠️ No contribution on { $project } ({ $period }): nothing to share. Log them first: { $prefix }contrib 3h { $project } …
budget-error-nobody_eligible = ⚠️ Nobody reaches the minimum of { $hours } h: nothing would be shared. Lower the minimum (example: min 2h).
budget-error-impossible_cap = ⚠️ With a cap of { $cap } and { $people ->
        [one] { $people } person
       *[other] { $people } people
    }, at most { $most } of { $amount } can be paid: the envelope cannot be spent. Raise the cap or lower the amount. Example: { $prefix }budget KPA 2000€ november proportional cap 600€
budget-error-give_libre = ⚠️ The envelope of { $project } is a free payout: to receive less, change your request ({ $prefix }request { $project } <amount>).
budget-error-give_usage = ⚠️ How much do you give back to the commons? Examples: { $prefix }budget { $project } give 50% · { $prefix }budget { $project } give 30€ · { $prefix }budget { $project } give all · { $prefix }budget { $project } give 0%
budget-error-no_share = ⚠️ You have no share in the envelope { $envelope }. The envelopes: { $prefix }budgets
budget-error-request_usage = ⚠️ Examples: { $prefix }request KPA 120€ for the workshop · { $prefix }request KPA withdraw
budget-error-request_proportional = ⚠️ The envelope of { $project } is split in proportion to hours: no request to make. See: { $prefix }budget { $project }
budget-error-no_request = ⚠️ You have no current request on { $project }. To make one: { $prefix }request { $project } 120€
budget-error-bad_request_id = ⚠️ “{ $token }” is not a request number. Example: { $prefix }question 3 why this amount?
budget-error-no_such_request = ⚠️ No current request #{ $id } in this room. { $prefix }budget <project> shows the requests and their numbers.
budget-error-question_usage = ⚠️ Example: { $prefix }question 3 why this amount? (or react ❓ to the request)
budget-error-validate_usage = ⚠️ Example: { $prefix }validate 3 (or react ✅ to the request)
budget-error-own_request = ⚠️ You cannot validate your own request. To change it: edit your message or send { $prefix }request again.
budget-error-already_validated = ℹ️ You already validated request #{ $id }; to take your validation back, delete your message or your ✅ reaction. The envelopes: { $prefix }budgets
budget-error-libre_only = ⚠️ Pro rata only applies to free payouts; the envelope of { $project } is already split in proportion to hours. The split: { $prefix }budget { $project }
budget-error-no_need_prorata = ℹ️ Validated requests ({ $total }) fit in the envelope ({ $amount }): no pro rata needed. To close it: { $prefix }budget { $project } close
budget-error-agree_usage = ⚠️ Example: { $prefix }budget { $project } agree 3 80€ (request #3, agreed amount 80 €)
budget-error-agree_usage_short = ⚠️ The agreed amount is missing. Example: { $prefix }budget KPA agree 3 80€
budget-error-close_over = ⚠️ Validated requests ({ $total }) exceed the envelope ({ $amount }): nothing is closed. Apply the pro rata ({ $prefix }budget { $project } prorata) or agreed amounts ({ $prefix }budget { $project } agree <no.> <amount>).
budget-error-close_nothing = ⚠️ No validated request on { $project }: nothing to pay. ✅ the requests, or { $prefix }validate <no.>.
budget-error-csv_open = ⚠️ The envelope { $envelope } is still open: the payroll export comes once it is closed ({ $prefix }budget <project> close).
budget-help-budget = a project's contributive budget: { $prefix }budget KPA (see), { $prefix }budget KPA 2000€ november (create, admins)
budget-help-budgets = the room's envelopes, their state and what is left
budget-help-demande = free payout: { $prefix }request KPA 120€ [message]
budget-help-question = question a request: { $prefix }question 3 [why] (or ❓); { $prefix }question 3 lifted to lift your objection
budget-help-valider = validate a request: { $prefix }validate 3 (or ✅)
budget-sub-budgets-list = the room's envelopes, their state and what is left
budget-sub-question-lift = lift your objection on the request
budget-ex-question-lift = { $prefix }question 3 lifted
budget-sub-question-settle = settle the open objection on the request (admins)
budget-ex-question-settle = { $prefix }question 3 settled
budget-sub-question-ask = question a request (or react ❓ to the request)
budget-ex-question-ask =
    { $prefix }question 3 why this amount?
    { $prefix }question 3
budget-sub-valider-validate = validate a request (or react ✅ to the request)
budget-ex-valider-validate = { $prefix }validate 3
budget-sub-demande-revise = say the amount that seems fair to you for your request (shown in { $prefix }budget KPA landing)
budget-ex-demande-revise = { $prefix }request 3 revised 60€
budget-sub-demande-withdraw = withdraw your request
budget-ex-demande-withdraw = { $prefix }request KPA withdraw
budget-sub-demande-ask = ask an amount for your contributions (free payout); to change it: another request, or edit your message
budget-ex-demande-ask =
    { $prefix }request KPA 120€ for the workshop
    { $prefix }request KPA 100€
budget-note-demande =
    The answer shows your hours and the hourly rate it makes. ❓ to question, ✅ to validate.
    #3 instead of the code: { $prefix }request #3 50€ (the numbers: { $prefix }budgets)
budget-landing-title = 🛬 Landing envelope { $envelope }: { $count ->
        [one] { $count } validated request
       *[other] { $count } validated requests
    } for { $asked }, the envelope holds { $amount }. The options side by side (each share at most the request, exact sum, to the cent):
budget-landing-fits = ℹ️ The validated requests ({ $asked }) fit in the envelope ({ $amount }): nothing to land, everyone receives their request. To close it: { $prefix }budget { $project } close
budget-landing-total = Total
budget-landing-legend = Options: { $options }.
budget-landing-current = Applied: option { $number } ({ $option }); it follows every change of the requests.
budget-landing-applied = 🛬 Option { $number } ({ $option }) applied to envelope { $envelope }.
budget-landing-follows = The granted amounts will be computed again on every change of the requests (amount, validation, withdrawal). To undo it: delete this message.
budget-landing-recomputed = ⚖️ Landing ({ $option }) computed again for envelope { $envelope }: { $shares } (total { $total } of { $amount }).
budget-landing-undone = ↩️ The landing of envelope { $envelope } is undone: the granted amounts are those from before.
budget-landing-revised = ✍️ Request #{ $id } by { $who }: revised amount { $amount } (asked: { $asked }). It shows in { $prefix }budget { $project } landing; the request itself does not change.
budget-landing-unrevised = ↩️ Request #{ $id } by { $who }: revised amount back to { $amount }.
budget-landing-option-prorata = pro rata
budget-landing-option-base = equal base of { $param }% of the envelope, then pro rata
budget-landing-option-median = up to the median request, then pro rata beyond it
budget-landing-option-floor = every request protected up to { $param }, then pro rata
budget-landing-col-revised = Revised
budget-landing-col-prorata = Pro rata
budget-landing-col-base = Base + pro rata
budget-landing-col-median = Median
budget-landing-col-floor = Floor
budget-landing-error-base = ⚠️ After “base”, give a share of the envelope between 0 and 100 %. Example: { $prefix }budget { $project } landing base 40%
budget-landing-error-floor = ⚠️ After “floor”, give an amount. Example: { $prefix }budget { $project } landing floor 150€
budget-landing-error-which = ⚠️ Which option should be applied? Examples: { $prefix }budget { $project } landing apply 2 · { $prefix }budget { $project } landing apply floor (options: 1 prorata, 2 base, 3 median, 4 floor)
budget-landing-error-usage = ⚠️ I don't understand “{ $token }”. Examples: { $prefix }budget { $project } landing · { $prefix }budget { $project } landing base 40% floor 150€ · { $prefix }budget { $project } landing apply 2
budget-landing-error-revise_usage = ⚠️ Example: { $prefix }request { $id } revised 60€ (the amount that seems fair to you for request #{ $id })
budget-landing-error-revise_own = ⚠️ Only the author of request #{ $id } may revise it. To talk about it: { $prefix }question { $id } why this amount?
budget-landing-error-revise_more = ⚠️ { $amount } is more than request #{ $id } ({ $asked }): to ask for more, make your request again ({ $prefix }request { $project } { $amount }).
budget-consent-rule = consent { $delay }
budget-consent-on = 🤫 Envelope { $envelope }: a request with no open objection is validated automatically { $delay } after it was made (or after its amount last changed). To object: ❓ or { $prefix }question <no.> why.
budget-consent-off = 🔔 Envelope { $envelope }: no more automatic validation; a request is validated by members' ✅ or by an admin.
budget-consent-request_note = 🤫 With no open objection, it will be validated automatically from { $date } ({ $delay } of consent).
budget-consent-objection = This is an objection: request #{ $id } will not be validated automatically while it stays open. To lift it: { $prefix }question { $id } lifted (or take your ❓ back); an admin may settle it: { $prefix }question { $id } close.
budget-consent-own_question = (A question on one's own request is no objection: it does not hold the automatic validation back.)
budget-consent-lifted = 🕊️ { $who } lifts their objection on request #{ $id } by { $author } ({ $left ->
        [one] { $left } objection
       *[other] { $left } objections
    } still open).
budget-consent-settled = ⚖️ { $who } settles it: { $n ->
        [one] objection
       *[other] objections
    } closed on request #{ $id } by { $author } ({ $n }). The automatic validation goes on.
budget-consent-reopened = ↩️ The objection on request #{ $id } is open again ({ $n }).
budget-consent-item = #{ $id } { $who } ({ $amount })
budget-consent-validated = 🤫 Envelope { $envelope }: consent delay ({ $delay }) over with no open objection, { $count ->
        [one] { $count } request
       *[other] { $count } requests
    } validated automatically: { $requests }. The table: { $prefix }budget { $project }
budget-consent-days = { $n ->
        [one] { $n } day
       *[other] { $n } days
    }
budget-consent-error-delay = ⚠️ After “consent”, give a delay in days (1 to 90), or “off” to remove it. Examples: { $prefix }budget { $project } consent 5d · { $prefix }budget { $project } consent off
budget-consent-error-proportional = ⚠️ Consent only applies to free payout (requests to validate); the envelope of { $project } is split in proportion to hours. See: { $prefix }budget { $project }
budget-consent-error-not_yours = ⚠️ Only the person who raised the objection lifts it; an admin may settle it: { $prefix }question { $id } close.
budget-consent-error-not_open = ℹ️ This objection on request #{ $id } is no longer open. The table: { $prefix }budget { $project }
budget-consent-error-not_due = ℹ️ Nothing to validate automatically yet. The envelopes: { $prefix }budgets
budget-consent-error-objected = ℹ️ An open objection holds the automatic validation back; its author lifts it with { $prefix }question <no.> lifted.
budget-consent-error-none_to_lift = ℹ️ You have no open objection on request #{ $id }. To raise one: { $prefix }question { $id } why this amount?
budget-consent-error-none_to_settle = ℹ️ No open objection on request #{ $id }: nothing to settle. To validate it: { $prefix }validate { $id }
budget-help-taux = indicative pay range: { $prefix }rates KPA 15-25€/h (admins), { $prefix }rates KPA (see)
budget-help-releve = hour reading: { $prefix }reading KPA before 15/12 (admins), { $prefix }reading KPA (where it stands)
budget-sub-taux-show = see a project's indicative range; without a project, all of them
budget-ex-taux-show =
    { $prefix }rates KPA
    { $prefix }rates
budget-sub-taux-off = remove a project's range; without a project, the room's
budget-ex-taux-off = { $prefix }rates KPA none
budget-sub-taux-set = set a project's indicative range; without a project, the room's (a project's wins)
budget-ex-taux-set =
    { $prefix }rates KPA 15-25€/h
    { $prefix }rates KPA 120-200€/d
    { $prefix }rates 15-25€/h
    { $prefix }rates KPA 15-25€/h growth 20%
budget-note-taux =
    Per day: a day lasts { $prefix }settings day (7 h by default). With "growth 20%", a request may not exceed the one of the project's previous envelope by more than 20%.
    Each request shows its hourly rate against the range (🔺 above, 🔻 below), never blocked. Deleting the message puts the range before back.
budget-sub-releve-show = where the hour reading stands (who confirmed)
budget-ex-releve-show = { $prefix }reading KPA
budget-sub-releve-cancel = cancel the running reading
budget-ex-releve-cancel = { $prefix }reading KPA cancel
budget-sub-releve-open = start an hour reading on the open envelope: one message mentions those with hours in the period and the members with none; one reminder in its thread the day before at 9:00 (or half-way); report on the deadline at 9:00
budget-ex-releve-open =
    { $prefix }reading KPA before 15/12
    { $prefix }reading KPA until 15 December
budget-note-releve =
    Instead of the code, an envelope's number: { $prefix }reading #2 (the numbers: { $prefix }budgets).
    People confirm by logging hours on the project, posting their request, or reacting ✅ to the message.
    Deleting the message that started it removes it, until its deadline.
budget-rates-the_room = the room
budget-rates-the_project = project { $project }
budget-rates-growth = (growth capped at { $pct }% from one envelope to the next)
budget-rates-per_hour = (that is { $low } to { $high } an hour, for a { $day } h day)
budget-rates-set = 📏 Indicative range for { $where }: { $range }{ $hourly }. Each request shows its hourly rate against it.
budget-rates-removed = 📏 No more indicative range for { $where }.
budget-rates-none = ℹ️ No indicative range for { $where }. An admin sets one with { $prefix }rates { $project } 15-25€/h (or 120-200€/d).
budget-rates-shown = 📏 Indicative range for { $where }: { $range }{ $hourly }
budget-rates-shown_room = 📏 No range of its own for { $project }: the room's applies, { $range }{ $hourly }
budget-rates-item = • { $where }: { $range }{ $hourly }
budget-rates-list =
    📏 Indicative ranges:
    { $items }
    A project's range wins over the room's. To change it: { $prefix }rates KPA 15-25€/h; to remove it: { $prefix }rates KPA none
budget-rates-table = 📏 Indicative range: { $range } (🔺 above, 🔻 below; nothing is blocked)
budget-rates-range-h = { $low } to { $high } an hour
budget-rates-range-j = { $low } to { $high } a day
budget-rates-flag-above = 🔺
budget-rates-flag-below = 🔻
budget-rates-note-within = 📏 Its hourly rate is within the indicative range ({ $range }).
budget-rates-note-above = 🔺 Its hourly rate is above the indicative range ({ $range }): nothing is blocked, it is a pointer for the discussion.
budget-rates-note-below = 🔻 Its hourly rate is below the indicative range ({ $range }): nothing is blocked, you may ask for more.
budget-rates-note-no_hours = 📏 No hours logged in this period yet, so no hourly rate to compare with the indicative range ({ $range }).
budget-rates-error-usage = ⚠️ I can't read “{ $token }” as a range. Examples: { $prefix }rates { $project } 15-25€/h · { $prefix }rates { $project } 120-200€/d · { $prefix }rates { $project } 15-25€/h growth 20% · { $prefix }rates { $project } none
budget-rates-error-nothing_to_remove = ℹ️ There is no indicative range for { $where }: nothing to remove. To set one: { $prefix }rates { $project } 15-25€/h
budget-rates-error-growth = ⛔ { $asked } is too much: your request on { $project } may not exceed { $most }. Your request in the previous envelope ({ $period }) was { $previous } and growth from one envelope to the next is capped at { $pct }% (set by an admin with { $prefix }rates). Ask for { $most } at most: { $prefix }request { $project } { $most }
budget-campaign-nobody = nobody
budget-campaign-person_hours = { $who } ({ $hours } h)
budget-campaign-without = ; and, with no hours in the period yet: { $people }
budget-campaign-none = ℹ️ No hour reading on the envelope of { $project }. An admin starts one with { $prefix }reading { $project } before 15/12
budget-campaign-cancelled = 🛑 Hour reading of { $project } cancelled by { $who }.
budget-campaign-unconfirmed = ↩️ { $who } takes their ✅ back from the hour reading of { $project }.
budget-campaign-removed = ↩️ The hour reading of { $project } (until { $deadline }) is removed: no reminder, no report.
budget-campaign-reopened = ↩️ The hour reading of { $project } goes on, until { $deadline }.
budget-campaign-reminder = ⏰ Reminder: the hour reading of { $project } ends on { $deadline }. { $people }: complete your hours ({ $prefix }contrib 3h { $project } …) and post your request ({ $prefix }request { $project } 120€), or react ✅ to the message above if all is there.
budget-campaign-report = 📋 Hour reading over for { $envelope }: { $done } of { $asked } confirmed. Confirmed: { $confirmed }. No answer: { $missing }. The table: { $prefix }budget { $project }
budget-campaign-opened-libre = 📋 Hour reading for { $envelope }, until { $deadline }: { $with_hours }{ $without }. Complete your hours ({ $prefix }contrib 3h { $project } …) and post your request ({ $prefix }request { $project } 120€); if all is there already, react ✅ to this message. Reminder on { $remind } to those who have not confirmed, report on { $deadline }.
budget-campaign-opened-proportionnel = 📋 Hour reading for { $envelope }, until { $deadline }: { $with_hours }{ $without }. Complete your hours ({ $prefix }contrib 3h { $project } …): the envelope is split in proportion to hours; if all is there already, react ✅ to this message. Reminder on { $remind } to those who have not confirmed, report on { $deadline }.
budget-campaign-state-open = 📋 Hour reading of { $project } under way until { $deadline }: { $done } of { $asked } confirmed. Confirmed: { $confirmed }. Not yet: { $missing }.
budget-campaign-state-ended = 📋 Hour reading of { $project } over on { $deadline }: { $done } of { $asked } confirmed. Confirmed: { $confirmed }. No answer: { $missing }.
budget-campaign-state-cancelled = 📋 The latest hour reading of { $project } was cancelled. To start another: { $prefix }reading { $project } before 15/12
budget-campaign-error-usage = ⚠️ Examples: { $prefix }reading { $project } before 15/12 (start, admins) · { $prefix }reading { $project } (where it stands) · { $prefix }reading { $project } cancel (admins)
budget-campaign-error-past = ⚠️ { $date } is today or already past: give a day to come. Example: { $prefix }reading { $project } before 15/12
budget-campaign-error-deadline_passed = ⚠️ The deadline of the hour reading of { $project } has passed: give a day to come. Example: { $prefix }reading { $project } before 15/12
budget-campaign-error-too_far = ⚠️ An hour reading lasts { $days } days at most. Pick a closer day: { $prefix }reading { $project } before 15/12
budget-campaign-error-already = ⚠️ An hour reading is already under way on the envelope of { $project }. Where it stands: { $prefix }reading { $project }; to cancel it: { $prefix }reading { $project } cancel
budget-campaign-error-none_open = ℹ️ No hour reading under way on the envelope of { $project }: nothing to cancel. To start one: { $prefix }reading { $project } before 15/12
budget-campaign-error-not_open = ℹ️ This hour reading of { $project } is no longer under way. Where it stands: { $prefix }reading { $project }
budget-campaign-error-ended = ⛔ The hour reading of { $project } is over: nothing enters or leaves it any more. Its report: { $prefix }reading { $project }
budget-campaign-error-envelope_closed = ⚠️ The envelope of { $project } is closed: no hour reading on it. The envelopes: { $prefix }budgets
budget-campaign-error-not_due = ℹ️ The deadline of the hour reading of { $project } has not come yet. Where it stands: { $prefix }reading { $project }
budget-landing-vote-opened = 🗳️ Vote on the landing of envelope { $envelope }, until { $deadline }: everyone votes by reacting to this message with the number of an option. One vote per person: your latest reaction counts, taking it back withdraws your vote.
budget-landing-vote-options = { $options }
budget-landing-vote-option = { $key } { $option }
budget-landing-vote-at_deadline = At the deadline, the option with the most votes is applied, computed on the requests validated at that moment; on a tie, an admin decides. What each option gives: { $prefix }budget { $project } landing
budget-landing-vote-tally = Votes: { $counts } ({ $voters ->
        [one] { $voters } voter
       *[other] { $voters } voters
    }).
budget-landing-vote-count = { $number }. { $votes }
budget-landing-vote-running = 🗳️ Vote under way until { $deadline }; votes: { $counts } ({ $voters ->
        [one] { $voters } voter
       *[other] { $voters } voters
    }). To vote: react to the vote's message with { $keys }. Admins, to cancel it: { $prefix }budget { $project } landing vote cancel
budget-landing-vote-tied_pending = ⚖️ The latest vote ended in a tie between options { $options }: an admin decides with { $prefix }budget { $project } landing apply { $first }.
budget-landing-vote-until_day = { $date } (included)
budget-landing-vote-until_time = { $date } at { $time }
budget-landing-vote-won = 🗳️ Vote closed on the landing of envelope { $envelope }: option { $number } ({ $option }) wins; votes: { $counts }.
budget-landing-vote-tie = 🗳️ Vote closed on the landing of envelope { $envelope }: a tie between options { $options }; votes: { $counts }. Nothing is applied: an admin decides by applying one of them, for example { $prefix }budget { $project } landing apply { $first }
budget-landing-vote-empty = 🗳️ Vote closed on the landing of envelope { $envelope }: nobody voted, nothing is applied. An admin may apply an option ({ $prefix }budget { $project } landing apply 2) or open a new vote.
budget-landing-vote-fits = 🗳️ Vote closed on the landing of envelope { $envelope }: the validated requests ({ $asked }) now fit in the envelope ({ $amount }), there is nothing left to land; nothing is applied.
budget-landing-vote-frozen = 🗳️ Vote closed on the landing of envelope { $envelope }, which was closed in the meantime: nothing is applied.
budget-landing-vote-recomputed = The requests changed during the vote: the options are computed again on today's validated requests.
budget-landing-vote-unchanged = The validated requests have not changed since the vote opened.
budget-landing-vote-cancelled = 🚫 Vote on the landing of envelope { $envelope } cancelled: nothing is applied, reactions to its message no longer count. An admin may apply an option ({ $prefix }budget { $project } landing apply 2) or open another vote.
budget-landing-vote-uncancelled = ↩️ The vote on the landing of envelope { $envelope } goes on, until { $deadline }.
budget-landing-vote-unopened = ↩️ The vote on the landing of envelope { $envelope } is withdrawn: reactions to its message no longer count.
budget-landing-vote-withdrawn = { $who }'s vote is withdrawn.
budget-landing-vote-follows = The granted amounts will be computed again on every change of the requests (amount, validation, withdrawal). To apply another option (admins): { $prefix }budget { $project } landing apply 2
budget-landing-vote-votes =
    { $n ->
        [one] { $n } vote
       *[other] { $n } votes
    }
budget-landing-vote-error-usage = ⚠️ Until when does the vote run? Examples: { $prefix }budget { $project } landing vote until 15/12 · { $prefix }budget { $project } landing vote 3d · to cancel a running vote (admins): { $prefix }budget { $project } landing vote cancel
budget-landing-vote-error-past_date = ⚠️ This deadline ({ $date }) is already past: choose a date to come. Example: { $prefix }budget { $project } landing vote 3d
budget-landing-vote-error-past = ⚠️ This vote's deadline is past. To open another one: { $prefix }budget { $project } landing vote 3d
budget-landing-vote-error-too_far = ⚠️ A vote lasts { $days } days at most. Example: { $prefix }budget { $project } landing vote 14d
budget-landing-vote-error-already = ⚠️ A vote on the landing of { $project } is already under way. Where it stands: { $prefix }budget { $project } landing · to cancel it (admins): { $prefix }budget { $project } landing vote cancel
budget-landing-vote-error-none_open = ℹ️ No vote under way on the landing of { $project }. To open one: { $prefix }budget { $project } landing vote 3d
budget-landing-vote-error-counted = ⚠️ This vote is closed and counted: its result stays. To apply another option (admins): { $prefix }budget { $project } landing apply 2
budget-landing-vote-error-closed = ℹ️ The vote on the landing of { $project } is closed: this reaction no longer changes anything. Where the envelope stands: { $prefix }budget { $project } landing
budget-landing-vote-error-not_due = ℹ️ This vote has not reached its deadline yet. The envelopes: { $prefix }budgets
budget-landing-vote-error-not_yours = ⚠️ Only the person who voted can withdraw their vote. Where the vote stands: { $prefix }budget { $project } landing
budget-landing-vote-error-running = ⚠️ A vote is under way until { $deadline }: the option with the most votes will be applied. To apply an option right now, cancel the vote first: { $prefix }budget { $project } landing vote cancel
budget-landing-vote-error-not_tied = ⚠️ The vote ended in a tie between options { $options }: an admin decides by applying one of them ({ $prefix }budget { $project } landing apply { $first }). To choose another option, open a new vote: { $prefix }budget { $project } landing vote 3d
budget-error-ambiguous = ⚠️ { $project } has several open envelopes ({ $periods }): say which period or number. Examples: { $prefix }budget { $project } november · { $prefix }budget #3
budget-landing-hint = Admins: { $prefix }budget { $project } landing apply 2 (or prorata, base, median, floor), or let the room vote by reaction: { $prefix }budget { $project } landing vote 3d. Parameters: base 40% · floor 150€. Anyone may say what seems fair to them: { $prefix }request <no.> revised 60€
budget-sub-budget-list = the room's envelopes (like { $prefix }budgets)
budget-sub-budget-show = the table of the project's open envelope (requests, or provisional split); with a period, that period's
budget-ex-budget-show =
    { $prefix }budget KPA
    { $prefix }budget KPA october
budget-sub-budget-source = add a source to the envelope, a name and an amount (admins or its owner); { $prefix }service puts in a share of a paid service
budget-ex-budget-source = { $prefix }budget KPA source grant 2000€
budget-sub-budget-owner = change the owner of an envelope, who settles it like an admin (admins)
budget-ex-budget-owner =
    { $prefix }budget KPA owner @bob
    { $prefix }budget KPA owner none
budget-sub-budget-consent = a request with no open objection (❓, { $prefix }question) is validated automatically after the delay
budget-ex-budget-consent =
    { $prefix }budget KPA consent 5d
    { $prefix }budget KPA consent off
budget-sub-budget-give = give part of your share back to the commons
budget-ex-budget-give =
    { $prefix }budget KPA give 50%
    { $prefix }budget KPA give 30€
    { $prefix }budget KPA give all
budget-sub-budget-decline = give all of your share back to the commons
budget-ex-budget-decline = { $prefix }budget KPA decline
budget-sub-budget-prorata = apply the pro rata to validated requests (admins); it then follows every change of the requests
budget-ex-budget-prorata = { $prefix }budget KPA prorata
budget-sub-budget-agree = set the agreed amount of a request (admins)
budget-ex-budget-agree = { $prefix }budget KPA agree 3 80€
budget-sub-budget-landing = when validated requests exceed the envelope: the options side by side (1 pro rata, 2 equal base then pro rata, 3 up to the median request, 4 protected floor then pro rata); apply one (admins), it then follows every change of the requests and an amount agreed by hand stops it; or let the room choose it by reaction (see below)
budget-ex-budget-landing =
    { $prefix }budget KPA landing
    { $prefix }budget KPA landing base 30% floor 100€
    { $prefix }budget KPA landing apply 2
budget-sub-budget-landing_vote = let the room choose the landing option by reaction before a deadline: at the deadline, the one with the most votes is applied, on a tie an admin decides
budget-ex-budget-landing_vote =
    { $prefix }budget KPA landing vote until 15/12
    { $prefix }budget KPA landing vote 3d
    { $prefix }budget KPA landing vote cancel
budget-sub-budget-close = freeze the split, post it and export it as CSV (admins)
budget-ex-budget-close = { $prefix }budget KPA close
budget-sub-budget-csv = the CSV export of a closed envelope
budget-ex-budget-csv = { $prefix }budget KPA csv
budget-sub-budget-create = create an envelope (admins): an amount, a period (november · from 01/10 to 30/11 · 2026) and, in any order, free (the default: people ask with { $prefix }request) or proportional (split in proportion to hours, under the rules), cap 600€, rate 20€/h, commons 10%, min 5h, validations 2, consent 5d; an envelope for a mission (this year when no period is given), beside the others, with mission "…" and owner @bob, who settles it like an admin
budget-ex-budget-create =
    { $prefix }budget KPA 2000€ november
    { $prefix }budget KPA 1000€ november proportional cap 400€ commons 10%
    { $prefix }budget KPA 300€ november consent 5d
    { $prefix }budget KPA 500€ mission "Street party" owner @bob
budget-note-budget =
    #3 instead of the code: { $prefix }budget #3 · { $prefix }budget #3 close · { $prefix }request #3 50€ (the numbers: { $prefix }budgets)
    Deleting the message that created an open envelope deletes it.

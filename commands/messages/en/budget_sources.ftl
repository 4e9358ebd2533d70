budget_sources-added = 💶 Envelope #{ $id } { $envelope }: +{ $amount } ({ $what }). It now holds { $total }. To cancel: delete your message.
budget_sources-removed = { $cause }: the source “{ $label }” ({ $amount }) leaves envelope #{ $id } { $envelope }, which now holds { $total }.
budget_sources-prestation_what = { $label }: { $pct }% of { $service }
budget_sources-title = Sources ({ $count }): { $total }
budget_sources-label_note = Mission: { $label } — named #{ $id }: { $prefix }budget #{ $id } · { $prefix }request #{ $id } 120€
budget_sources-owner_note = owner: { $who }
budget_sources-owner_set = 👤 { $who } now owns envelope #{ $id } { $envelope }: they settle it like an admin (close, accord, prorata, landing, sources). To see it: { $prefix }budget #{ $id }
budget_sources-owner_cleared = 👤 Envelope #{ $id } { $envelope } has no owner any more: only admins settle it.
budget_sources-owner_restored = { $cause }: envelope #{ $id } { $envelope } has its previous owner back ({ $who }).
budget_sources-kind-initial = initial amount
budget_sources-kind-source = source
budget_sources-kind-prestation = paid service
budget_sources-col-source = Source
budget_sources-col-amount = Amount
budget_sources-col-who = By
budget_sources-col-date = Date
budget_sources-error-bad_ref = ⚠️ “{ $token }” is not an envelope number. Example: { $prefix }budget #3 (the numbers: { $prefix }budgets)
budget_sources-error-no_such_envelope = ⚠️ There is no envelope #{ $id } in this room. The envelopes and their numbers: { $prefix }budgets
budget_sources-error-which = ⚠️ { $project } has several open envelopes: { $envelopes }. Which one? Example: { $example }
budget_sources-error-label = ⚠️ “mission” needs a name (in quotes if it has several words). Example: { $prefix }budget KPA 500€ mission "Street party" owner @bob
budget_sources-error-label_long = ⚠️ This name is too long: { $most } characters at most. Example: { $prefix }budget KPA 500€ mission "Street party"
budget_sources-error-owner = ⚠️ Who owns the envelope? Examples: { $prefix }budget #3 owner @bob · { $prefix }budget #3 owner none
budget_sources-error-ref_create = ⚠️ Envelope #{ $id } already exists: to create another one, give the project's code. Example: { $prefix }budget KPA 500€ mission "Street party"
budget_sources-error-source_usage = ⚠️ A source needs a name and an amount. Example: { $prefix }budget KPA source grant 2000€
budget_sources-error-source_label = ⚠️ Where does this money come from? Give the source a name. Example: { $prefix }budget { $project } source grant 2000€
budget_sources-error-prestation_usage = ⚠️ Give the price of the service and the share that goes to the envelope. Example: { $prefix }service KPA 3000€ 10% "training X"
budget_sources-error-prestation_percent = ⚠️ Which share of the service goes to the envelope? Example: { $prefix }service { $project } 3000€ 10% "training X"
budget_sources-error-prestation_percent_range = ⚠️ “{ $token }”: the share must be above 0 and at most 100%. Example: { $prefix }service { $project } 3000€ 10% "training X"
budget_sources-error-prestation_nothing = ⚠️ { $pct }% of { $service }, rounded to the cent, is nothing: nothing goes into the envelope. Example: { $prefix }service { $project } 3000€ 10%
budget_sources-error-in_use = ⚠️ Envelope { $envelope } has received { $sources ->
        [one] { $sources } source
       *[other] { $sources } sources
    } since it was created: deleting the message that created it does not erase it. Delete { $sources ->
        [one] that source's message
       *[other] those sources' messages
    } first, or close it: { $prefix }budget { $project } close
budget_sources-help-prestation = a paid service, a share of which goes into the envelope: { $prefix }service KPA 3000€ 10% "training X" (admins or owner)
budget_sources-sub-prestation-add = records a paid service and puts the share said of its price into the project's open envelope, or into envelope #3 when the project has several (admins, or the envelope's owner)
budget_sources-ex-prestation-add =
    { $prefix }service KPA 3000€ 10% "training X"
    { $prefix }service KPA 1200€ 5%
budget_sources-note-prestation =
    The share is rounded to the cent, half a cent up (10% of 33.35 €: 3.34 €).
    { $prefix }budget KPA source grant 2000€ — adds another source (a name and an amount); an envelope's total is always the sum of its sources.
    Deleting the message takes the money out again while the envelope is open; a closed envelope takes no more. An applied landing is recomputed.

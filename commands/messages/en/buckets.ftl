buckets-funded_now = 🎉 Bucket #{ $id } “{ $title }” is funded: { $held } raised, goal of { $min } reached!
buckets-unfunded = ↩️ Bucket #{ $id } “{ $title }” is back below its goal ({ $held } of { $min }): it is no longer funded.
buckets-allocated = ✅ { $total } allocated to { $people ->
        [one] { $people } person
       *[other] { $people } people
    } for “{ $title }”. Left to allocate in the pot: { $left }.
buckets-allocated_left_out = ℹ️ No share for people who are no longer members of the room: { $people }. Their hours do not count in this split.
buckets-unallocated = { $cause }: allocation undone ({ $total } taken back from { $people ->
        [one] { $people } person
       *[other] { $people } people
    }).
buckets-completed = 🏁 Bucket #{ $id } “{ $title }” is completed (marked by { $who }). Thanks to its funders!
buckets-cancelled = ❌ Bucket #{ $id } “{ $title }” was cancelled by { $who }: { $held } given back to { $people ->
        [one] { $people } funder
       *[other] { $people } funders
    }.
buckets-cancelled_unfunded = ❌ Bucket #{ $id } “{ $title }” was cancelled by { $who }; nobody had funded it yet.
buckets-cancelled_removed = { $cause }: bucket #{ $id } “{ $title }” is cancelled, { $held } given back to { $people ->
        [one] { $people } funder
       *[other] { $people } funders
    }.
buckets-cancelled_removed_unfunded = { $cause }: bucket #{ $id } “{ $title }” is cancelled; nobody had funded it yet.
buckets-no_funders = Nobody has funded it yet.
buckets-funders = Funders ({ $people }):
buckets-funded_by_command = 💶 { $cents } put into bucket #{ $id } “{ $title }”. Your balance: { $balance }.
buckets-reaction_refused = { $who }: your { $emoji } reaction counts for nothing. { $reason }
buckets-withdraw_refused = { $who }: { $reason }
buckets-withdrawn = ↩️ { $who } takes { $cents } back from bucket #{ $id } “{ $title }”.
buckets-kept_funding = Nothing has changed: your { $cents } stay in bucket #{ $id } “{ $title }”.
buckets-kept_bucket = Nothing has changed: bucket #{ $id } “{ $title }” stays as it was.
buckets-kept_allocation = Nothing has changed: the allocation stays as it was ({ $total } to { $people ->
        [one] { $people } person
       *[other] { $people } people
    }).
buckets-kept_round = Nothing has changed: round #{ $id } “{ $title }” stays as it was.
buckets-allocate_command = { $prefix }allocate
buckets-card-title = 🪣 Bucket #{ $id } — { $title }
buckets-card-byline = Proposed by { $author } · { $goals }
buckets-card-goal = goal { $min }
buckets-card-goals = goal { $min } (up to { $max })
buckets-card-progress = { $bar } { $percent } % · { $held } of { $min } · { $people ->
        [one] { $people } funder
       *[other] { $people } funders
    }
buckets-card-progress_past_min = { $bar } minimum reached · { $held } of { $max } max · { $people ->
        [one] { $people } funder
       *[other] { $people } funders
    }
buckets-card-how_open = To fund it: react to this message ({ $reactions }), or { $prefix }fund { $id } 12.50€. Removing your reaction takes back what it gave.
buckets-card-how_funded = ✅ Funded! It can still take up to { $max } ({ $room } left): { $reactions }, or { $prefix }fund { $id } <amount>.
buckets-card-funded_full = ✅ Funded: { $held }.
buckets-card-state_completed = 🏁 Completed.
buckets-card-state_cancelled = ❌ Cancelled: every funder was refunded.
buckets-card-state_refunded = ↩️ Goal not reached when the round closed: every funder was refunded.
buckets-state-open = open
buckets-state-funded = funded
buckets-state-completed = completed
buckets-state-cancelled = cancelled
buckets-state-refunded = refunded
buckets-round-deadline_reached = ⏰ Round “{ $title }” reached its deadline ({ $date }): it closes on its own.
buckets-round-until = { " " }until { $date }
buckets-round-opened = 🗳️ Round #{ $id } “{ $title }” open{ $until }: a pot of { $pot }. Admins allocate balances ({ $prefix }allocate), everyone proposes buckets ({ $prefix }bucket) and funds them by reacting ({ $reactions }).
buckets-round-closed = 🔒 Round #{ $id } “{ $title }” closed.
buckets-round-closed_funded = ✅ #{ $id } “{ $title }”: funded with { $held }.
buckets-round-closed_refunded = ↩️ #{ $id } “{ $title }”: goal not reached, { $held } given back to its funders.
buckets-round-closed_totals = Pot { $pot } = { $in_buckets } in funded buckets + { $balances } left in balances + { $unallocated } not allocated.
buckets-round-reactions_set = ✅ Reaction values for this round: { $reactions }.
buckets-round-state_open = open
buckets-round-state_closed = closed
buckets-round-no_buckets = no buckets
buckets-round-show =
    🗳️ Round #{ $id } “{ $title }” ({ $state }{ $until })
    Pot { $pot }: { $allocated } allocated ({ $unallocated } left to allocate), { $in_buckets } in buckets, { $balances } in balances.
    Buckets: { $buckets }.
    Reactions: { $reactions }.
buckets-col-person = Person
buckets-col-given = Allocated
buckets-col-spent = In buckets
buckets-col-balance = Balance
buckets-col-amount = Amount
buckets-col-bucket = Bucket
buckets-col-state = State
buckets-col-held = Raised
buckets-col-goal = Goal
buckets-col-funders = Funders
buckets-csv-person = Person
buckets-csv-user = User id
buckets-csv-given = Allocated
buckets-csv-spent = In buckets
buckets-csv-balance = Balance
buckets-list-empty = ℹ️ No buckets in round “{ $title }” yet. Propose yours: { $prefix }bucket "Coffee machine" 150€
buckets-list-title = 🪣 Buckets of round “{ $title }” ({ $count })
buckets-balance-mine = 💰 Your balance for “{ $title }”: { $balance } (allocated { $allocated }, in buckets { $spent }).
buckets-balance-other = 💰 { $who }'s balance for “{ $title }”: { $balance } (allocated { $allocated }, in buckets { $spent }).
buckets-balance-round_closed = This round is closed.
buckets-balance-nothing = Nothing has been allocated here yet: admins allocate balances.
buckets-balance-none = ℹ️ Nothing allocated yet in round “{ $title }”. Admins: { $prefix }allocate everyone
buckets-balance-all = 💰 Balances of round “{ $title }”
buckets-recap-title = 🪣 Buckets
buckets-recap-funded = 🎉 #{ $id } “{ $title }” funded ({ $held })
buckets-recap-close = ⏳ #{ $id } “{ $title }” nearly funded: { $held } of { $min }, { $missing } to go
buckets-recap-new = 🆕 #{ $id } “{ $title }” proposed by { $who } (goal { $min })
buckets-usage-reactions = ⚠️ Give each reaction with its value. Example: { $prefix }round reactions 💶=5€ 💰=20€
buckets-usage-allocate = ⚠️ Usage: { $prefix }allocate @bob 50€ · { $prefix }allocate everyone (shares the pot equally) · { $prefix }allocate everyone 20€ (20 € each) · { $prefix }allocate contributions november (in proportion to hours)
buckets-usage-allocate_hours = ⚠️ Over which period? Examples: { $prefix }allocate contributions november · { $prefix }allocate contributions last month · { $prefix }allocate contributions from 01/11 to 15/11
buckets-error-group_mention = ⚠️ { $token } means the whole room, not a person. To give each member: { $prefix }allocate all 10 € (or { $prefix }allocate all to share what is left in the pot).
buckets-error-zero_amount = ⚠️ The amount must be more than zero. Example: 12.50€
buckets-error-negative = ⚠️ A negative amount makes no sense here. Example: 12.50€
buckets-error-currency = ⚠️ This room counts in { $room_currency }, not { $currency }. Type the amount without a currency (12.50) or in { $room_currency }.
buckets-error-round_closed = ⚠️ This bucket's round is closed: it cannot be funded any more. Where the round stands: { $prefix }round
buckets-error-round_ended = ⚠️ The round's deadline has passed: no more funding or proposals. Where the round stands: { $prefix }round
buckets-error-bucket_cancelled = ⚠️ Bucket #{ $id } is cancelled: it cannot be funded any more. The others: { $prefix }buckets
buckets-error-bucket_completed = ⚠️ Bucket #{ $id } is already completed: it cannot be funded any more. The others: { $prefix }buckets
buckets-error-bucket_full = ⚠️ Bucket #{ $id } has reached its maximum ({ $max }): it takes nothing more. The others: { $prefix }buckets
buckets-error-beyond_max = ⚠️ That is more than bucket #{ $id } can still take: { $room } at most (maximum { $max }). Example: { $prefix }fund { $id } { $room }
buckets-error-no_allocation = ⚠️ You have no balance in this round: admins allocate balances ({ $prefix }balance to see yours).
buckets-error-over_balance = ⚠️ That is more than your balance ({ $balance }). The details: { $prefix }balance
buckets-error-bad_deadline = ⚠️ I don't understand the deadline “{ $token }”. Example: until 31/12
buckets-error-deadline_past = ⚠️ The deadline ({ $date }) has already passed. Example: { $prefix }round open "Winter 2026" 1000€ until 31/12
buckets-error-round_already_open = ⚠️ Round “{ $title }” is still open: one round at a time. Close it first: { $prefix }round close
buckets-error-no_round = ℹ️ No cobudget round is open in this room. An admin opens one: { $prefix }round open "Winter 2026" 1000€
buckets-error-no_contributions = ⚠️ No contributions in that period: nothing to share in proportion. ({ $prefix }contribs all <period> to check)
buckets-error-pot_empty = ⚠️ The pot ({ $pot }) is already fully allocated. The balances: { $prefix }balance all
buckets-error-no_members = ⚠️ I don't know any member of this room yet. Allocate to someone in particular: { $prefix }allocate @bob 50€
buckets-error-over_pot = ⚠️ { $total } to allocate, but only { $left } is left in the pot ({ $pot }). To share what is left: { $prefix }allocate all
buckets-error-no_such_bucket = ⚠️ No bucket #{ $id } in this room. { $prefix }buckets lists them.
buckets-error-max_below_min = ⚠️ The maximum ({ $max }) is below the goal ({ $min }). Example: { $prefix }bucket "Coffee machine" 150€ max 200€
buckets-error-not_author = ⛔ Only the author of bucket #{ $id } and admins can do that. To fund it: { $prefix }fund { $id } 5€
buckets-error-cannot_complete = ⚠️ Bucket #{ $id } is { $state }: only a funded bucket can be marked completed. Where it stands: { $prefix }bucket { $id }
buckets-error-cannot_cancel = ⚠️ Bucket #{ $id } is { $state }: it can no longer be cancelled. Where it stands: { $prefix }bucket { $id }
buckets-error-withdraw_closed = the round is closed: bucket #{ $id } “{ $title }” keeps what you gave.
buckets-error-withdraw_completed = bucket #{ $id } “{ $title }” is completed: what you gave stays there.
buckets-error-allocation_closed = ⚠️ Round “{ $title }” is closed: its allocations no longer change. The balances: { $prefix }balance all
buckets-error-allocation_spent = ⚠️ { $who } has already put some of their { $cents } into buckets: the allocation cannot be taken back. The balances: { $prefix }balance all
buckets-help-tour = see, open or close the cobudget round: { $prefix }round open "Winter 2026" 1000€
buckets-help-allouer = give balances: { $prefix }allocate @bob 50€ · everyone · contributions november
buckets-help-bucket = propose a bucket: { $prefix }bucket "Coffee machine" 150€ max 200€
buckets-help-buckets = the round's buckets
buckets-help-financer = fund a bucket with an amount: { $prefix }fund 3 12.50€
buckets-help-solde = your balance in the round: { $prefix }balance
buckets-error-bad_max = ⚠️ I can't read an amount after “{ $word }”. Example: { $prefix }bucket "Coffee machine" 150€ max 200€
buckets-sub-allouer-hours = shares what is left of the pot in proportion to logged hours
buckets-ex-allouer-hours =
    { $prefix }allocate contributions november
    { $prefix }allocate contributions last month
    { $prefix }allocate contributions from 01/11 to 15/11
buckets-sub-allouer-everyone = this amount to each member; without an amount, shares what is left of the pot equally
buckets-ex-allouer-everyone =
    { $prefix }allocate everyone
    { $prefix }allocate everyone 20€
buckets-sub-allouer-people = a balance of this amount to each person named
buckets-ex-allouer-people =
    { $prefix }allocate @bob 50€
    { $prefix }allocate @alice @bob 20€
buckets-note-allouer =
    Cents that do not divide are given out deterministically: the total is always exact.
    Deleting the message undoes the allocation (if none of it was spent).
buckets-sub-tour-show = the current round: pot, allocations, buckets
buckets-ex-tour-show = { $prefix }round
buckets-sub-tour-open = opens a round, one at a time
buckets-ex-tour-open =
    { $prefix }round open "Winter 2026" 1000€
    { $prefix }round open "Winter 2026" 1000€ until 31/12
buckets-sub-tour-close = closes the round: buckets below their goal are refunded
buckets-sub-tour-reactions = what each reaction on a card is worth
buckets-ex-tour-reactions = { $prefix }round reactions 💶=5€ 💰=20€
buckets-sub-buckets-list = the round's buckets, their state, what they raised and their goal
buckets-sub-financer-fund = puts this amount of your balance into the bucket
buckets-ex-financer-fund =
    { $prefix }fund 3 12.50€
    { $prefix }fund 3 EUR 12
buckets-note-financer = Deleting the message takes the amount back. You can also react to the bucket's card.
buckets-sub-solde-mine = your balance in the round (balance = allocated − put into buckets)
buckets-sub-solde-all = every member's balance
buckets-sub-solde-person = someone's balance
buckets-ex-solde-person = { $prefix }balance @bob
buckets-sub-bucket-propose = proposes a bucket: the bot posts its card
buckets-ex-bucket-propose =
    { $prefix }bucket "Coffee machine" 150€
    { $prefix }bucket "Coffee machine" 150€ max 200€ for the kitchen corner
buckets-sub-bucket-show = the card and its funders
buckets-ex-bucket-show = { $prefix }bucket 3
buckets-sub-bucket-complete = marks a funded bucket as completed (author or admin)
buckets-ex-bucket-complete = { $prefix }bucket 3 done
buckets-sub-bucket-cancel = cancels it and refunds every funder (author or admin)
buckets-ex-bucket-cancel = { $prefix }bucket 3 cancel
buckets-note-bucket = Reacting to the card funds the bucket (💶 = 5 €, 💰 = 20 € by default); removing the reaction takes back what it gave.
buckets-counted-open = { $n ->
        [one] { $n } open
       *[other] { $n } open
    }
buckets-counted-funded = { $n ->
        [one] { $n } funded
       *[other] { $n } funded
    }
buckets-counted-completed = { $n ->
        [one] { $n } completed
       *[other] { $n } completed
    }
buckets-counted-cancelled = { $n ->
        [one] { $n } cancelled
       *[other] { $n } cancelled
    }
buckets-counted-refunded = { $n ->
        [one] { $n } refunded
       *[other] { $n } refunded
    }

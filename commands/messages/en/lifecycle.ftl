lifecycle-nothing_left = ℹ️ Nothing to undo: what this message did was already undone, or replaced since. Where things stand: { $prefix }help
lifecycle-admin_only = ⛔ { $prefix }{ $command } is for the room's admins, and so is undoing what it did.
lifecycle-not_allowed = ⚠️ That is not possible in the current state ({ $action }). The list of commands: { $prefix }help
lifecycle-changed_since = ⚠️ What this message did has changed since: undoing it would also erase what came after, so nothing is undone. To change it again, type the command you want ({ $prefix }help).
lifecycle-setting_back = ↩️ Message deleted. { $setting }: back to { $value }.
lifecycle-edit-scope_envelope = ⚠️ A corrected request stays in its envelope: I do not move it into another one. To ask in another envelope, type a new request (e.g. { $prefix }request KPA december 80€).
lifecycle-round-closed = 🔒 Round “{ $title }” is closed: nothing in it changes any more, neither its buckets, nor its fundings, nor its allocations. Where the round stands: { $prefix }round
lifecycle-round-ended = ⏰ The deadline of round “{ $title }” ({ $date }) has passed: nothing goes in or out any more, it closes on its own. Where the round stands: { $prefix }round
lifecycle-round-not_due = ⚠️ Round “{ $title }” has not reached its deadline. To close it now: { $prefix }round close
lifecycle-round-close_kept = 🔒 Round “{ $title }” stays closed: deleting the message that closed it does not reopen it (its refunds and fundings are frozen). For a new round: { $prefix }round open "Spring" 1000€
lifecycle-round-in_use = ⚠️ Round “{ $title }” already has { $allocations ->
        [one] { $allocations } allocation
       *[other] { $allocations } allocations
    } and { $buckets ->
        [one] { $buckets } bucket
       *[other] { $buckets } buckets
    }: deleting the message that opened it does not erase it. To close it: { $prefix }round close
lifecycle-round-removed = ↩️ Message deleted: round #{ $id } “{ $title }” is no longer open (nothing had been allocated or proposed in it).
lifecycle-round-reactions_back = ↩️ Message deleted: the reactions are worth what they were before ({ $reactions }).
lifecycle-bucket-in_use = ⚠️ Bucket #{ $id } “{ $title }” is { $state } and got { $fundings ->
        [one] { $fundings } funding
       *[other] { $fundings } fundings
    }: deleting its proposal does not erase it. To cancel it and refund its funders: { $prefix }bucket { $id } cancel
lifecycle-bucket-removed = ↩️ Proposal withdrawn: bucket #{ $id } “{ $title }” no longer exists (nobody had funded it).
lifecycle-bucket-uncancelled = ↩️ Message deleted: bucket #{ $id } “{ $title }” is no longer cancelled ({ $state }); { $held } come back from { $people ->
        [one] { $people } funder
       *[other] { $people } funders
    }.
lifecycle-bucket-uncompleted = ↩️ Message deleted: bucket #{ $id } “{ $title }” is no longer marked done; it stays funded.
lifecycle-funding-refunded = bucket #{ $id } “{ $title }” is { $state }: what you had put in was already given back to you.
lifecycle-funding-withdraw_ended = the round's deadline has passed: bucket #{ $id } “{ $title }” keeps what you gave.
lifecycle-funding-spent = ⚠️ { $who } has already spent elsewhere the { $cents } that the cancellation gave back (balance: { $balance }): bucket #{ $id } “{ $title }” stays cancelled. The balances: { $prefix }balance all
lifecycle-envelope-closed = 🔒 Envelope { $envelope } is closed: nothing in it changes any more, not even by editing or deleting a message. Its frozen split: { $prefix }budget { $project }
lifecycle-envelope-close_kept = 🔒 Envelope { $envelope } stays closed: deleting the message that closed it does not reopen it. Its frozen split: { $prefix }budget { $project }
lifecycle-envelope-in_use = ⚠️ Envelope { $envelope } already has { $requests ->
        [one] { $requests } request
       *[other] { $requests } requests
    } and { $givebacks ->
        [one] { $givebacks } give-back
       *[other] { $givebacks } give-backs
    }: deleting the message that created it does not erase it. To close it: { $prefix }budget { $project } close
lifecycle-envelope-prorata_undone = ↩️ Message deleted: the pro rata of envelope { $envelope } is undone; the agreed amounts are those from before.
lifecycle-request-withdrawn = ⚠️ Request #{ $id } is withdrawn: it does not change any more. To ask again: { $prefix }request { $project } 80€
lifecycle-request-in_use = ⚠️ Request #{ $id } already has { $answers ->
        [one] { $answers } validation or question
       *[other] { $answers } validations or questions
    }, or an agreed amount: deleting its message does not erase it. To withdraw it: { $prefix }request { $project } withdraw
lifecycle-request-replaced = ⚠️ Another request replaced #{ $id } since: it stays withdrawn. The requests: { $prefix }budget { $project }
lifecycle-request-removed = ↩️ Message deleted: request #{ $id } by { $who } no longer exists.
lifecycle-request-restored = ↩️ Message deleted: request #{ $id } by { $who } is as it was before ({ $amount }).
lifecycle-contribution-logged_again = ⚠️ Contribution #{ $id } cannot come back: its message logged another one since, or its project no longer exists. The contributions: { $prefix }contribs
lifecycle-contribution-restored = ↩️ Message deleted: contribution #{ $id } is back ({ $who }, { $duration } on { $date }).
lifecycle-project-in_use = ⚠️ Project { $code } is already in use ({ $uses ->
        [one] { $uses } contribution, envelope
       *[other] { $uses } contributions, envelopes
    } or the default project): deleting the message that created it does not erase it. To stop using it: { $prefix }project archive { $code }
lifecycle-project-removed = ↩️ Message deleted: project { $code } no longer exists.
lifecycle-project-renamed_back = ↩️ Message deleted: the project has its name back: { $code } — { $name }.
lifecycle-project-archived_back = ↩️ Message deleted: project { $code } is archived again.
lifecycle-project-reopened_back = ↩️ Message deleted: project { $code } is no longer archived.
lifecycle-project-default_gone = ⚠️ The project that was the default before this message no longer exists: nothing is undone. To choose the default project: { $prefix }project default CODE
lifecycle-project-default_archived = ⚠️ Project { $code } has been archived since: it cannot be the default project again, so nothing is undone. To reopen it: { $prefix }project reopen { $code }

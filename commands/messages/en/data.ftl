data-mine-not_direct = 🔒 Your data is not shown in a room: send me { $prefix }mydata in a direct message, and I send you everything there.
data-mine-summary =
    📦 Everything I keep about you ({ $name }, { $user }) is in this JSON file:
    • rooms: { $rooms }
    • contributions: { $contributions } ({ $duration }), and { $logged_for_others } you logged for others
    • allocations: { $allocations }, balances: { $balances }, fundings: { $fundings }, buckets proposed: { $buckets }
    • requests: { $requests }, questions: { $questions }, validations: { $validations }, give-backs: { $give_backs }, envelope sources: { $sources }, envelope shares: { $shares }, landing votes: { $landing_votes }
    • actions waiting for your ✅: { $pending_actions }
    • audit rows where you act: { $audit }, events handled: { $events }
    I do not keep the text of your messages, only what they created. To be forgotten: { $prefix }forgetme
data-forget-offer =
    🕊️ You are asking to be forgotten. If you confirm by reacting ✅ to this message:
    • your id and name are replaced everywhere by a pseudonym (“Former member 7”);
    • your descriptions, requests and questions are erased, and my copies of the messages that name you are emptied;
    • your hours, amounts, fundings and balances stay, under the pseudonym: the shared ledger loses no money when someone leaves.
    This cannot be undone. To keep a copy of your data first: { $prefix }mydata in a direct message.
data-forget-confirmed = ✅ Noted: I will forget you within a minute. Remove your ✅ before then to cancel.
data-forget-cancelled = ↩️ Cancelled: I forget nothing. To start again: { $prefix }forgetme
data-forget-done = 🕊️ Done: the person who asked to be forgotten is now “{ $name }” in the history. Their hours and amounts stay with the commons.
data-help-importer = import a CSV file (sent with the command): contributions or allocations, preview then ✅: { $prefix }import
data-help-mesdonnees = get everything the bot keeps about you (in a direct message): { $prefix }mydata
data-help-oubliemoi = be forgotten: your name replaced by a pseudonym, your texts erased (confirmed with ✅): { $prefix }forgetme
data-import-usage = Usage: send the CSV file with { $prefix }import as its caption (or { $prefix }import allocations for cobudget balances). E.g. { $prefix }import contributions
data-import-no_file = 📎 I need the file: send the CSV with { $prefix }import as the file's caption (in the console: /fichier hours.csv { $prefix }import).
data-import-one_file = 📎 One file at a time: send it alone with { $prefix }import.
data-import-file_too_big = 📎 This file is too big to read here (5 MB at most). Split it, or import it with the cagnotte import command; then { $prefix }import for each part.
data-import-unreadable = ⚠️ I cannot read this file: { $reason } Send a CSV (separated by ; or ,) with { $prefix }import.
data-import-changed = ⚠️ The room changed since the preview (a project, a member, the round): some rows would now be refused, nothing is imported. Send the file again with { $prefix }import for a new preview.
data-import-undo_closed = ⚠️ The round of these allocations is closed: the import stays. To correct an allocation: { $prefix }help allocate
data-import-undo_spent = ⚠️ { $who } already spent part of what the import allocated to them: the import stays. Remove the fundings first ({ $prefix }balance), then remove your ✅.
data-import-empty = the file is empty.
data-import-too_many = the file has { $rows } rows, I read { $most } at most.
data-import-missing_columns = ⚠️ Columns are missing: { $missing } (the file's columns: { $columns }). Name them in the header (date, person, hours, project, description; or person, amount), or give them: --map hours=Duration.
data-import-no_round = ⚠️ No open round in this room to receive allocations: open one first ({ $prefix }round open "Winter" 1000€).
data-import-over_pot = ⚠️ The file allocates { $total }, but only { $left } is left to allocate in the round “{ $title }”: nothing is imported.
data-import-formula = “{ $cell }” starts like a spreadsheet formula: I do not import it. Write the text without = + - @ at the start.
data-import-not_member = { $who } is not a member of the room: allocations go to current members only.
data-import-too_long_text = the description is longer than { $most } characters.
data-import-no_person = nobody is named on this row.
data-import-ambiguous_person = “{ $who }” could be several members ({ $people }): write the full id, or map the name in the mapping file.
data-import-unknown_person = I know nobody “{ $who }” in this room: write their id (@account) in the file, or map this name to an account (cagnotte import --people names.csv).
data-import-no_date = no date on this row (e.g. 12/11/2026).
data-import-bad_date = “{ $cell }” is not a date (write 12/11/2026 or 2026-11-12).
data-import-date_out_of_range = “{ $cell }”: the year must be between { $first } and { $last }.
data-import-impossible_date = “{ $cell }”: this day does not exist (the day comes before the month: 12/11/2026).
data-import-date_without_year = “{ $cell }” has no year: write it (12/11/2026).
data-import-future_date = { $date } is in the future.
data-import-negative = “{ $cell }” is negative.
data-import-bad_duration = “{ $cell }” is not a duration (e.g. 1.5 or 3h30 or 90min).
data-import-no_duration = no duration on this row (e.g. 1.5).
data-import-zero = a zero duration is not logged.
data-import-too_long = { $duration } is more than the longest entry this room takes ({ $limit }).
data-import-unknown_project = unknown project “{ $code }” in this room (codes: { $codes }): create it or correct the row.
data-import-archived_project = project { $code } is archived: reopen it or correct the row.
data-import-no_amount = no amount on this row (e.g. 12.50).
data-import-bad_amount = “{ $cell }” is not an amount (e.g. 12.50).
data-import-currency = “{ $cell }” is not in the room's currency ({ $currency }).
data-import-zero_amount = a zero amount is not allocated.
data-import-title = 📥 Import preview: { $kind }, file “{ $file }” ({ $format }; columns: { $columns })
data-import-would_contributions = { $rows ->
        [one] { $rows } row
       *[other] { $rows } rows
    } to import: { $duration } for { $people ->
        [one] { $people } person
       *[other] { $people } people
    }.
data-import-would_allocations = { $rows ->
        [one] { $rows } allocation
       *[other] { $rows } allocations
    } to import: { $total } in the round “{ $title }”.
data-import-more = … and { $more ->
        [one] { $more } more row
       *[other] { $more } more rows
    }.
data-import-already = { $rows ->
        [one] { $rows } row
       *[other] { $rows } rows
    } already imported: skipped.
data-import-refused_title = ⚠️ { $rows ->
        [one] { $rows } row
       *[other] { $rows } rows
    } refused:
data-import-refused_row = • line { $line }: { $reason }
data-import-more_refused = … and { $more ->
        [one] { $more } more refused row
       *[other] { $more } more refused rows
    } (cagnotte import lists them all).
data-import-unknown = Unknown people ({ $count }): { $people }.
data-import-nothing = Nothing is imported while a row is refused: correct the file and send it again.
data-import-nothing_new = Nothing new to import.
data-import-confirm = React ✅ to this message to import these { $rows ->
        [one] { $rows } row
       *[other] { $rows } rows
    } (removing the ✅ takes them back).
data-import-done = ✅ Imported: { $rows ->
        [one] { $rows } row
       *[other] { $rows } rows
    } recorded, { $skipped } already there.
data-import-undone = ↩️ Import taken back: { $rows ->
        [one] { $rows } row
       *[other] { $rows } rows
    } deleted.
data-import-kind-contributions = contributions
data-import-kind-allocations = allocations
data-import-format-own = this bot's export
data-import-format-sheet = spreadsheet
data-import-format-cobudget = Cobudget allocations
data-import-col-line = line
data-import-col-date = date
data-import-col-person = person
data-import-col-duration = duration
data-import-col-project = project
data-import-col-description = description
data-import-col-amount = amount
# what !import does, its examples (one a line), then what its help says besides
data-sub-importer-file = with the CSV file attached
data-ex-importer-file =
    { $prefix }import
    { $prefix }import allocations
data-note-importer =
    Files read: an export of this bot, a spreadsheet (date, person, hours, project, description), Cobudget allocations (person or email, amount). Separated by ; or ,; decimal commas; dates with their year (12/11/2026 or 2026-11-12).
    I show what would be imported and every refused row with its reason; ✅ on the preview imports it all at once. The same file sent again adds nothing. Removing the ✅ takes the import back.
    Command line: cagnotte import contributions hours.csv --room ROOM [--people names.csv] [--apply]
data-sub-mesdonnees-send = in a direct message to the bot: I send you a JSON file with everything I keep about you, in every room: your display name, your rooms, your contributions, allocations, balances, fundings, buckets, requests, questions, validations, give-backs, envelope shares, pending actions, the audit rows where you act and the events handled. I keep no text of your messages.
data-sub-oubliemoi-offer = then ✅ on my answer to confirm: your id and name are replaced everywhere by a pseudonym (“Former member 7”), your descriptions, requests and questions erased. Your hours, amounts and balances stay with the commons. Removing the ✅ within the minute cancels it; after that, it cannot be undone.
data-note-oubliemoi = An admin does the same for someone who left: cagnotte forget @person

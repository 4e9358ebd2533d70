contrib-saved =
    ✅ Contribution #{ $id } saved for { $who }: { $duration } on { $date }, { $project } — { $description }.
    To fix it: edit your message, or { $prefix }undo { $id }.
contrib-updated = ✏️ Contribution #{ $id } updated for { $who }: { $duration } on { $date }, { $project } — { $description }.
contrib-no_description = no description
contrib-no_project = No project
contrib-removed = 🗑️ Contribution #{ $id } removed ({ $who }, { $duration } on { $date }).
contrib-removed_by_redaction = { $cause }: contribution #{ $id } undone ({ $who }, { $duration } on { $date }).
contrib-removed_unconfirmed = ↩️ Your ✅ is gone: contribution #{ $id } is undone ({ $who }, { $duration } on { $date }). Put ✅ back to record it again.
contrib-scope_room = the room
contrib-in_project = project { $project }
contrib-without_project = no project
contrib-kept = Nothing has changed: contribution #{ $id } stays as it was ({ $duration } on { $date }, { $project }).
contrib-scope_room_title = The room
contrib-error-negative = ⚠️ “{ $token }”: a duration must be positive. Example: { $prefix }contrib 3h workshop #KPA
contrib-error-missing_duration = ⚠️ The duration is missing. Examples: { $prefix }contrib 3h workshop #KPA · { $prefix }contrib 1h30 yesterday meeting · { $prefix }contrib 45min monday accounts. ({ $prefix }help contrib for everything)
contrib-error-zero = ⚠️ A zero duration does not count. Example: { $prefix }contrib 30min proofreading
contrib-error-too_long = ⚠️ { $duration } in one go is more than the room's maximum ({ $limit }). Split it into several contributions, one per day. Example: { $prefix }contrib 7h monday workshop
contrib-error-future = ⚠️ { $date } is in the future: only what was done is logged. Try “today”, “yesterday” or a past date.
contrib-error-not_admin_for_other = ⛔ Only admins can log a contribution for someone else ({ $user }). For yourself: { $prefix }contrib 2h …
contrib-error-nothing_to_undo = ℹ️ You have no contribution to undo here. To undo a given one: { $prefix }undo <number>.
contrib-error-bad_id = ⚠️ “{ $value }” is not a contribution number. Example: { $prefix }undo 12
contrib-error-no_such_id = ⚠️ No contribution #{ $id } in this room. { $prefix }contribs shows yours with their numbers.
contrib-error-not_yours = ⛔ Contribution #{ $id } is not yours: only its author and admins can change it. Yours: { $prefix }contribs
contrib-error-bad_filter = ⚠️ I don't understand “{ $token }”. Examples: { $prefix }contribs · { $prefix }contribs @bob · { $prefix }contribs KPA november · { $prefix }contribs all last week
contrib-error-group_filter = ⚠️ { $token } means the whole room, not a person. For the whole room: { $prefix }contribs all (or { $prefix }export csv all)
contrib-doubtful-close = ❓ “{ $word }” looks like a project code, but this room has no project { $word }. Close projects: { $codes }.
contrib-doubtful-unknown = ❓ “{ $word }” looks like a project code, but this room has no project { $word }.
contrib-doubtful-archived = ❓ “{ $word }” is the code of an archived project: it takes no more contributions.
contrib-doubtful-room_codes = Projects of the room: { $codes }.
contrib-doubtful-no_codes = This room has no project yet.
contrib-doubtful-nothing = Nothing is recorded for now.
contrib-doubtful-nothing_changed = The contribution is not changed for now.
contrib-doubtful-fix_close = To fix it: edit your message, with #{ $code } instead of “{ $word }” for example, or type the command again.
contrib-doubtful-fix = To fix it: edit your message or type the command again with the right code ({ $prefix }projects for the list; an admin can create a project: { $prefix }project add { $word } "Name").
contrib-doubtful-fix_archived = To fix it: edit your message or type the command again with an open project ({ $prefix }projects for the list; an admin can reopen this one: { $prefix }project reopen { $word }).
contrib-doubtful-confirm = If it is not a project, react ✅ to this message: the contribution will be recorded { $without }, with the text as it is for its description. (A word in quotes, such as "AG", is never taken for a code.)
contrib-doubtful-no_project = without a project
contrib-doubtful-default_project = in the room's default project, { $code }
contrib-doubtful-default_gone = ⚠️ The default project was archived in the meantime: nothing is recorded. Type the command again with the project you want (the list: { $prefix }projects).
contrib-list-empty = ℹ️ No contributions for { $scope } ({ $period }).
contrib-list-headline = 📊 { $scope } — { $period }: { $total } in { $count ->
        [one] { $count } contribution
       *[other] { $count } contributions
    }, { $people ->
        [one] { $people } person
       *[other] { $people } people
    }
contrib-list-latest = Latest contributions ({ $shown } of { $count }):
contrib-col-person = Person
contrib-col-time = Time
contrib-col-count = #
contrib-col-project = Project
contrib-col-date = Date
contrib-col-description = Description
contrib-help-contrib = log a contribution: { $prefix }contrib 3h workshop #KPA
contrib-help-annuler = undo a contribution: { $prefix }undo 12 (no number: your latest)
contrib-help-contribs = see contributions and totals: { $prefix }contribs [@person|all] [project] [period]
# what !contrib does, its examples (one a line), then what its help says besides
contrib-sub-contrib-log = logs time given; duration, date and project in any order, the rest is the description
contrib-ex-contrib-log =
    { $prefix }contrib 3h workshop KPA
    { $prefix }contrib 1h30 yesterday #ACCOUNTS bank reconciliation
    { $prefix }contrib @alice 2h 12/11 facilitation
contrib-note-contrib =
    Durations: 3h · 3h30 · 1h05 · 1.5h · 1,5h · 90min · 45 min · 2d (a day = the room's setting, 7h by default)
    Dates (anywhere): today · yesterday · monday (the latest Monday) · 12/11 (day/month) · 12/11/2026 · 2026-11-12
    The day before the month; a date without its year is the latest one past, and further back than the room allows ({ $prefix }settings) it takes its year: 12/11/2025
    Project: #KPA, or just KPA if it is a known code ({ $prefix }projects); else the room's default project.
    @person: to log someone else's time (admins only).
    To fix: edit your message. To undo: delete it, or { $prefix }undo <number>.
# what the subcommands of !undo do, their examples (one a line)
contrib-sub-annuler-one = removes one of your contributions (admins: any)
contrib-ex-annuler-one = { $prefix }undo 12
contrib-sub-annuler-last = removes your latest contribution in this room
contrib-note-annuler = Deleting the command's message undoes it too.
# what !contribs does, its examples (one a line)
contrib-sub-contribs-show = see contributions and totals; with nothing: your contributions this month
contrib-ex-contribs-show =
    { $prefix }contribs
    { $prefix }contribs @bob
    { $prefix }contribs KPA november
    { $prefix }contribs all last week
contrib-note-contribs = The filters in any order. Periods: november · november 2025 · this month · last month · this week · last week · 2026 · from 01/11 to 15/11 · all

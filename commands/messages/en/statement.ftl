statement-not_direct = 🔒 Your statement is not shown in a room: send me { $prefix }me in a direct message and I send it to you there.
statement-only_yours = 🔒 A statement only shows your own: type { $prefix }me [csv] [period], naming nobody. E.g.: { $prefix }me csv 2026
statement-usage = Usage: { $prefix }me [csv] [period], in a direct message. E.g.: { $prefix }me, { $prefix }me last month, { $prefix }me csv 2026
statement-empty = ℹ️ Nothing for you ({ $period }) in the rooms I share with you: no hours logged, no envelope paid. Another period: { $prefix }me 2025
statement-title = 🧾 Statement of { $name } ({ $user }), { $period }
statement-summary = { $rooms ->
        [one] { $rooms } room
       *[other] { $rooms } rooms
    }, { $duration } of contributions, { $total } received.
statement-hours_title = Hours logged
statement-paid_title = Envelopes paid (by closing date)
statement-nothing_paid = No envelope paid you in this period.
statement-given_back = { $amount } ({ $given } given back to the commons)
statement-more = … and { $more ->
        [one] { $more } more envelope
       *[other] { $more } more envelopes
    }: all of them are in the file of { $command }
statement-csv_hint = 📎 For your CAE or your accountant, one row per envelope paid: { $command }
statement-csv_empty = ℹ️ No envelope paid you ({ $period }) in the rooms I share with you: no file. Your hours: { $command }
statement-csv_caption = 📎 Your statement for { $period }: { $count ->
        [one] { $count } envelope
       *[other] { $count } envelopes
    } paid in { $rooms ->
        [one] { $rooms } room
       *[other] { $rooms } rooms
    }, { $total } in all.
statement-file = statement
statement-word = me
statement-no_project = no project
statement-head-room = Room
statement-head-project = Project
statement-head-hours = Hours
statement-head-envelope = Envelope
statement-head-period = Period
statement-head-closed = Closed on
statement-head-paid = Received
statement-col-person = person
statement-col-user = user id
statement-col-room = room
statement-col-room_id = room id
statement-col-envelope = envelope no.
statement-col-project = project
statement-col-project_name = project name
statement-col-start = period start
statement-col-end = period end
statement-col-closed = closed on
statement-col-hours = hours
statement-col-gross = gross share
statement-col-given_back = given back to the commons
statement-col-amount = amount received
statement-col-currency = currency
statement-help-moi = your statement of hours and amounts received, across every room (in a direct message): { $prefix }me 2026
statement-sub-moi-mine = in a direct message to the bot: your hours logged per room and project, and what each closed envelope paid you (net of what you gave back to the commons), in every room I share with you; with csv, the file for your CAE or your accountant, one row per envelope paid (room, number, project, period, closing date, hours, amount)
statement-ex-moi-mine =
    { $prefix }me
    { $prefix }me last month
    { $prefix }me csv 2026
statement-note-moi = Period: the current year by default, or as for { $prefix }contribs (2026, last month, November, from 01/09 to 30/11). An envelope counts in the period it was closed. Nobody else sees your statement, and you only see your own.

recap-title = 📊 Recap — { $period }
recap-in_progress = { $period } (in progress)
recap-empty = 📭 Recap — { $period }: nothing to report, no activity.
recap-percent = { $sign }{ $value }%
recap-first_day = 1
recap-time = { NUMBER($hour, minimumIntegerDigits: 2) }:{ NUMBER($minute, minimumIntegerDigits: 2) }
recap-period-week = week of { $start } to { $end }
recap-contrib-headline = ⏱️ { $total } given by { $people ->
        [one] { $people } person
       *[other] { $people } people
    } ({ $count ->
        [one] { $count } contribution
       *[other] { $count } contributions
    })
recap-contrib-compare = Previous period: { $before } by { $people ->
        [one] { $people } person
       *[other] { $people } people
    } ({ $percent })
recap-contrib-compare_none = Previous period: no contributions.
recap-contrib-none = ⏱️ No contributions in this period (previous period: { $before } by { $people ->
        [one] { $people } person
       *[other] { $people } people
    }).
recap-contrib-newcomers = 🆕 First contribution: { $names } — welcome!
recap-contrib-no_project = No project
recap-contrib-others = Others ({ $n })
recap-contrib-new = new
recap-col-project = Project
recap-col-person = Person
recap-col-time = Time
recap-col-people = People
recap-col-count = #
recap-col-change = Change
recap-chart-title = Hours given — { $span }
recap-chart-span_week = last { $n } weeks
recap-chart-span_month = { $n } months
recap-chart-projects_week = Per week and per project
recap-chart-projects_month = Per month and per project
recap-chart-people = Per person
recap-chart-hours = hours
recap-chart-others = Others
recap-chart-others_people = (+ { $n } others: { $hours } h)
recap-kind-weekly = weekly recap
recap-kind-monthly = monthly recap
recap-kind-reminder = reminder
recap-when-weekly = every { $day } at { $time }
recap-when-monthly = on day { $day } of every month at { $time }
recap-when-monthly_last = on the last day of every month at { $time }
recap-plan-undone = { $cause }: the schedule goes back to what it was before that message.
recap-plan-title = 🗓️ This room's schedule (time zone { $tz }):
recap-plan-line = • { $what }: { $when }
recap-plan-none = off
recap-plan-set_weekly = ✅ Weekly recap scheduled { $when } ({ $tz }). Posted Monday to Wednesday, it covers the previous week; Thursday to Sunday, the current week. To stop it: { $prefix }recap schedule off
recap-plan-set_monthly = ✅ Monthly recap scheduled { $when } ({ $tz }). Posted before the 15th, it covers the previous month; from the 15th, the current month. To stop it: { $prefix }recap schedule monthly off
recap-plan-set_reminder = ✅ Reminder scheduled { $when } ({ $tz }): I will ask people to log the week's contributions. To stop it: { $prefix }reminder off
recap-plan-off = 🔕 Turned off: { $what }.
recap-plan-already_off = ℹ️ Already off: { $what }.
recap-usage-plan = Usage: { $prefix }recap schedule monday 9am · { $prefix }recap schedule monthly 1 9am (or: monthly last 18:00) · { $prefix }recap schedule off · { $prefix }recap schedule monthly off
recap-usage-reminder = Usage: { $prefix }reminder friday 5pm · { $prefix }reminder off
recap-error-period = ⚠️ I don't understand the period “{ $value }”. Examples: { $prefix }recap · { $prefix }recap last week · { $prefix }recap november · { $prefix }recap from 01/11 to 15/11
recap-error-usage = ⚠️ The day and time are missing. { $usage }
recap-error-bad_day = ⚠️ “{ $token }” is not a day of the week (monday … sunday). { $usage }
recap-error-bad_month_day = ⚠️ “{ $token }”: the day of the month goes from 1 to 28, or “last”. { $usage }
recap-error-bad_time = ⚠️ Time not understood: “{ $token }”. Examples: 9am, 9:30, 17:00. { $usage }
recap-reminder-text = ⏰ Time to log this week's contributions: { $prefix }contrib 3h workshop #PROJECT
recap-reminder-so_far = Logged so far this week: { $total } by { $people ->
        [one] { $people } person
       *[other] { $people } people
    }.
recap-reminder-nothing_yet = Nothing logged yet this week.
recap-help-recap = the recap (this week by default): { $prefix }recap last week · { $prefix }recap november; schedule it (admins): { $prefix }recap schedule monday 9am
recap-help-rappel = a reminder to log contributions (admins): { $prefix }reminder friday 5pm · { $prefix }reminder off
# what the subcommands of !recap and !reminder do, their examples (one a line)
recap-sub-recap-show = the room's recap: hours, people, projects, newcomers, comparison with the previous period, and a chart (nothing = this week)
recap-ex-recap-show =
    { $prefix }recap
    { $prefix }recap last week
    { $prefix }recap november
    { $prefix }recap from 01/11 to 15/11
recap-sub-recap-plan_show = see the recaps' schedule
recap-sub-recap-plan = schedule the recap, in the room's time zone (see { $prefix }timezone): every week (the week just over), every month (the month just over), or off to stop it (monthly off: only the monthly one)
recap-ex-recap-plan =
    { $prefix }recap schedule monday 9am
    { $prefix }recap schedule monthly 1 9am
    { $prefix }recap schedule monthly last 18:00
    { $prefix }recap schedule off
recap-note-recap = Periods: last week · november · november 2025 · last month · 2026 · from 01/11 to 15/11. If the bot was down at the scheduled time, it posts the missed recap once when it is back.
recap-sub-rappel-show = see the reminder's setting
recap-sub-rappel-set = every week at the time given, a reminder to log contributions; off: no more reminders
recap-ex-rappel-set =
    { $prefix }reminder friday 5pm
    { $prefix }reminder off

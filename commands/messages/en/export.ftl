export-usage = Usage: { $prefix }export csv [period] [project]. Example: { $prefix }export csv november KPA
export-empty = ℹ️ Nothing to export ({ $period }).
export-caption = 📎 CSV export: { $count ->
        [one] { $count } contribution
       *[other] { $count } contributions
    }, { $period }.
export-long_table = … and { $more } more rows: the whole table ({ $count } rows) is in the attached file, { $file }.
export-long_table_caption = 📎 The whole table: { $count } rows.
export-col-number = number
export-col-date = date
export-col-person = person
export-col-user = user id
export-col-minutes = minutes
export-col-hours = hours
export-col-project = project
export-col-description = description
export-col-event = event id
export-help-export = export as CSV: { $prefix }export csv november KPA
export-sub-export-csv = a CSV file of the contributions of a period (this month by default), of a project, of a person
export-ex-export-csv =
    { $prefix }export csv november KPA
    { $prefix }export csv last month

# What the framework of declared commands writes by itself: usage lines, a command's help and
# the refusals when an argument is missing or does not read.

declare-help-line = { $usage } — { $does }
declare-help-examples = { "  " }e.g. { $examples }
declare-form-required = <{ $name }>
declare-form-optional = [{ $name }]
declare-form-required_repeated = { $name }…
declare-form-optional_repeated = [{ $name }…]
declare-error-unknown = ⚠️ I did not understand. For example: { $examples } ({ $prefix }{ $help } { $command } for everything)
declare-error-missing = ⚠️ Missing: { $what }. Type: { $usage } — for example: { $example }
declare-error-wrong = ⚠️ “{ $value }” is not { $what }. Type: { $usage } — for example: { $example }
declare-error-extra = ⚠️ I don't know what to do with “{ $value }”. Type: { $usage } — for example: { $example }

# how a usage line names an argument (<duration>), and what a refusal says it expects
declare-arg-word = word
declare-what-word = a word
declare-arg-text = text
declare-what-text = a text
declare-arg-duration = duration
declare-what-duration = a duration
declare-arg-days = duration
declare-what-days = a number of days
declare-arg-number = number
declare-what-number = a number
declare-arg-bucket = number
declare-what-bucket = a bucket number
declare-arg-request = no.
declare-what-request = a request number
declare-arg-range = range
declare-what-range = a range
declare-arg-envelope = project
declare-what-envelope = a project code or an envelope number (#3)
declare-arg-deadline = deadline
declare-what-deadline = a deadline
declare-arg-service_terms = price share% name
declare-what-service_terms = a price, a share and a name
declare-arg-amount = amount
declare-what-amount = an amount
declare-arg-date = date
declare-what-date = a date
declare-arg-period = period
declare-what-period = a period
declare-arg-person = @person
declare-what-person = a person (@name)
declare-arg-project = project
declare-what-project = a project
declare-arg-code = CODE
declare-what-code = a project code
declare-arg-name = name
declare-what-name = a name
declare-arg-language = language
declare-what-language = a language
declare-arg-timezone = time zone
declare-what-timezone = a time zone
declare-arg-currency = currency
declare-what-currency = a currency
declare-arg-level = level
declare-what-level = a level
declare-arg-command = command
declare-what-command = a command
declare-arg-schedule = day time
declare-what-schedule = a day and a time
declare-arg-filters = period, project, @person
declare-what-filters = a period, a project or a person
declare-arg-contrib_filters = @person|all, project, period
declare-what-contrib_filters = a person, all, a project or a period
declare-arg-contribution = number
declare-what-contribution = a contribution number
declare-arg-description = description
declare-what-description = a description
declare-arg-import_kind = contributions|allocations
declare-what-import_kind = contributions or allocations

# cobudget
declare-arg-title = title
declare-what-title = a title
declare-arg-deadline = until date
declare-what-deadline = a deadline
declare-arg-maximum = max amount
declare-what-maximum = a maximum
declare-arg-reaction = reaction=amount
declare-what-reaction = a reaction and its value

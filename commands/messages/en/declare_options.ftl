# keyword options of declared commands (commands.declare_options)
declare-option-twice = ⚠️ “{ $word }” is given twice: once is enough. Type: { $usage } — all of it in { $prefix }{ $help } { $command }
declare-option-missing = ⚠️ Missing after “{ $word }”: { $what }. Type: { $usage } — all of it in { $prefix }{ $help } { $command }
declare-option-wrong = ⚠️ “{ $value }” is not { $what } (after “{ $word }”). Type: { $usage } — all of it in { $prefix }{ $help } { $command }
declare-option-unknown = ⚠️ I don't know what to do with “{ $value }”. Type: { $usage } — all of it in { $prefix }{ $help } { $command }
declare-arg-rate = amount/h
declare-what-rate = an amount per hour
declare-arg-percent = percentage
declare-what-percent = a percentage
declare-arg-vote_terms = vote deadline
declare-what-vote_terms = the word vote and a deadline

# keyword options of declared commands (commands.declare_options)
declare-option-twice = ⚠️ « { $word } » est donné deux fois : une fois suffit. Tape : { $usage } — tout est dans { $prefix }{ $help } { $command }
declare-option-missing = ⚠️ Il manque { $what } après « { $word } ». Tape : { $usage } — tout est dans { $prefix }{ $help } { $command }
declare-option-wrong = ⚠️ « { $value } » n'est pas { $what } (après « { $word } »). Tape : { $usage } — tout est dans { $prefix }{ $help } { $command }
declare-option-unknown = ⚠️ Je ne sais que faire de « { $value } ». Tape : { $usage } — tout est dans { $prefix }{ $help } { $command }
declare-arg-rate = montant/h
declare-what-rate = un montant par heure
declare-arg-percent = pourcentage
declare-what-percent = un pourcentage
declare-arg-vote_terms = vote échéance
declare-what-vote_terms = le mot vote et une échéance

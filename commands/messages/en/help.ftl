help-title = 🤖 cagnotte's commands (type { $prefix }help <command> for the full syntax):
help-footer = Tip: edit or delete your command message to fix or undo it.
help-admin_mark = (admins)
help-aliases = Also: { $aliases }
help-help-aide = this list; { $prefix }help contrib for one command's syntax
help-sub-aide-list = the list of commands
help-sub-aide-command = a command's full syntax, with examples
help-ex-aide-command =
    { $prefix }help contrib
    { $prefix }help settings

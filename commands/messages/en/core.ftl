core-internal_error = ⚠️ An internal error stopped me from handling this command; nothing was saved. Try again later, or tell the admins, giving reference { $ref }.
core-render_error = ⚠️ An internal error kept me from writing this answer. Your command was handled, and what it changes is recorded: no need to send it again. Tell the admins, with the reference { $ref }.
core-answer_failed = ⚠️ I could not show my answer to this message. Tell the admins, giving reference { $ref }.
core-message_failed = ⚠️ I could not show one of my messages in this room. Tell the admins, giving reference { $ref }.
core-too_long = ⚠️ Message too long ({ $limit } characters at most): nothing was saved. Shorten it; the syntax of the commands: { $prefix }help
core-removal_kept = ℹ️ { $who } removed a message from { $author }: only its sender or an admin can undo what it did, so nothing is undone.
core-reaction_removal_kept = ℹ️ { $who } removed a reaction from { $author }: only its sender or an admin can undo what it did, so nothing is undone.
core-edit_undone = { $cause }: what it did is undone.
core-edit_not_supported = ⚠️ This command cannot be corrected by editing the message. Delete the message, or type a new command ({ $prefix }help for the list).
core-unknown_command = ❓ I don't know “{ $prefix }{ $word }”. Type { $prefix }help for the list of commands.
core-unknown_command_hint = ❓ I don't know “{ $prefix }{ $word }”. Did you mean { $prefix }{ $hint }? ({ $prefix }help { $hint } for the syntax)
core-admin_only = ⛔ { $command } is for the room's admins only.
core-unreadable-encryption_off = 🔒 This room is encrypted and I run without encryption: I cannot read your messages, so I do not answer them. To let me read them: in config.toml, section [matrix], set encryption = true (it needs the e2e extra, which ./dev run installs), then restart the bot. Or talk to me in a room without encryption.
core-unreadable-no_key = 🔒 I could not decrypt this message: its key did not reach me. Send it again in a moment; if it keeps happening, talk to me in a room without encryption.
core-cause-deleted = 🗑️ Message deleted
core-cause-edited = ✏️ Message edited, no longer a command
core-period-all = since the beginning
core-period-range = from { $start } to { $end }

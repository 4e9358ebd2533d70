console-help =
    Console commands (anything else is sent to the room):
    { "  " }/as <person>                speak as <person> (e.g. /as bob)
    { "  " }/room <room>                go to room <room> (e.g. /room coroutine)
    { "  " }/react <id> <emoji>         react to a message (e.g. /react b12 💶)
    { "  " }/unreact <id> <emoji>       take your reaction back
    { "  " }/edit <id> <text>           edit one of your messages (e.g. /edit u3 !contrib 2h workshop)
    { "  " }/delete <id>                delete one of your messages (undoes what it created)
    { "  " }/thread <id> <text>         answer in the thread of a message
    { "  " }/dm                         talk privately with the bot (room dm-<person>)
    { "  " }/file <path> [text]         send a file with a message (e.g. /file hours.csv !import)
    { "  " }/role <person> admin|member   change someone's role in this room
    { "  " }/who                        who I am, where I am
    { "  " }/quit                       leave (Ctrl-D too)
console-welcome = Console commands: /help
console-you_are_in = You are { $user } in room { $room }. Try: !help
console-you_are_now = You are now { $user }.
console-direct_now = Direct message with the bot: { $room }.
console-room_now = Room: { $room }.
console-role_set = { $user }: { $role } in { $room }.
console-who = { $user } ({ $role }) in { $room }
console-not_your_reaction = ⚠️ You did not put this reaction.
console-unknown_command = ⚠️ Unknown console command. /help for the list.
console-line_failed = ⚠️ This line could not be handled (see the log).
console-no_such_message = ⚠️ No message { $id } here. The ids are the ones shown: u3 for what was typed, b12 for the bot.
console-not_typed_here = ⚠️ { $id } is not a message typed in this console.
console-only_author = ⚠️ Only { $author } can change { $id }.
console-missing = ⚠️ Something is missing. /help for the syntax.
console-edited = edited
console-in_thread = in the thread of { $id }
console-bytes = { $size } bytes
console-role-admin = admin
console-role-moderator = moderator
console-role-member = member

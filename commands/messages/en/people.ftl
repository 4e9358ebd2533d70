people-forgotten = Former member { $number }
people-error-group = ⚠️ { $token } means the whole room, not a person: name someone (@name). For the whole room, some commands take the word “all” (e.g. { $prefix }contribs all, { $prefix }allocate all 10 €).
people-error-ambiguous = ❓ “{ $token }” could be several members of the room: { $people }. Type the full id of the right person instead.
people-error-unknown_hint = ❓ I find nobody “{ $token }” in this room. Did you mean: { $people }? Write their name or their full id (like { $example }).
people-error-unknown = ❓ I find nobody “{ $token }” among the room's members. Name a member by their name or full id (like { $example }).
people-error-left = ⚠️ { $who } is no longer a member of the room: nothing is logged for or given to someone who left. What was logged for them stays visible: { $prefix }contribs { $token }

console-help =
    Commandes de la console (tout le reste est envoyé dans le salon) :
    { "  " }/as <personne>              parler en tant que <personne> (ex. /as bob)
    { "  " }/room <salon>               passer dans le salon <salon> (ex. /room coroutine)
    { "  " }/react <id> <emoji>         réagir à un message (ex. /react b12 💶)
    { "  " }/unreact <id> <emoji>       retirer sa réaction
    { "  " }/edit <id> <texte>          modifier un de ses messages (ex. /edit u3 !contrib 2h atelier)
    { "  " }/delete <id>                supprimer un de ses messages (annule ce qu'il a créé)
    { "  " }/thread <id> <texte>        répondre dans le fil d'un message
    { "  " }/dm                         passer en message privé avec le bot (salon dm-<personne>)
    { "  " }/fichier <chemin> [texte]   envoyer un fichier avec un message (ex. /fichier heures.csv !importer)
    { "  " }/role <personne> admin|membre   changer le rôle de quelqu'un dans ce salon
    { "  " }/who                        qui je suis, où je suis
    { "  " }/quit                       quitter (Ctrl-D aussi)
console-welcome = Commandes de la console : /aide
console-you_are_in = Tu es { $user } dans le salon { $room }. Essaie : !aide
console-you_are_now = Tu es maintenant { $user }.
console-direct_now = Message privé avec le bot : { $room }.
console-room_now = Salon : { $room }.
console-role_set = { $user } : { $role } dans { $room }.
console-who = { $user } ({ $role }) dans { $room }
console-not_your_reaction = ⚠️ Tu n'as pas mis cette réaction.
console-unknown_command = ⚠️ Commande de console inconnue. /aide pour la liste.
console-line_failed = ⚠️ Cette ligne n'a pas pu être traitée (voir le journal).
console-no_such_message = ⚠️ Pas de message { $id } ici. Les identifiants sont ceux affichés : u3 pour ce qu'on a tapé, b12 pour le bot.
console-not_typed_here = ⚠️ { $id } n'est pas un message tapé dans cette console.
console-only_author = ⚠️ Seul { $author } peut modifier { $id }.
console-missing = ⚠️ Il manque quelque chose. /aide pour la syntaxe.
console-edited = modifié
console-in_thread = dans le fil de { $id }
console-bytes = { $size } octets
console-role-admin = admin
console-role-moderator = modérateur
console-role-member = membre

core-internal_error = ⚠️ Une erreur interne m'a empêché de traiter cette commande ; rien n'a été enregistré. Réessaie plus tard, ou signale-le aux admins avec la référence { $ref }.
core-render_error = ⚠️ Une erreur interne m'a empêché d'écrire cette réponse. Ta commande a bien été traitée, et ce qu'elle change est bien enregistré : inutile de la renvoyer. Signale-le aux admins avec la référence { $ref }.
core-answer_failed = ⚠️ Je n'ai pas pu afficher ma réponse à ce message. Signale-le aux admins avec la référence { $ref }.
core-message_failed = ⚠️ Je n'ai pas pu afficher un de mes messages dans ce salon. Signale-le aux admins avec la référence { $ref }.
core-too_long = ⚠️ Message trop long ({ $limit } caractères au plus) : rien n'a été enregistré. Raccourcis-le ; la syntaxe des commandes : { $prefix }aide
core-removal_kept = ℹ️ { $who } a supprimé un message { DE($author) } : seuls son auteur ou un admin peuvent annuler ce qu'il a fait, donc rien n'est annulé.
core-reaction_removal_kept = ℹ️ { $who } a retiré une réaction { DE($author) } : seuls son auteur ou un admin peuvent annuler ce qu'elle a fait, donc rien n'est annulé.
core-edit_undone = { $cause } : ce qu'il avait fait est annulé.
core-edit_not_supported = ⚠️ Cette commande ne se corrige pas en modifiant le message. Supprime le message, ou tape une nouvelle commande ({ $prefix }aide pour la liste).
core-unknown_command = ❓ Je ne connais pas « { $prefix }{ $word } ». Tape { $prefix }aide pour la liste des commandes.
core-unknown_command_hint = ❓ Je ne connais pas « { $prefix }{ $word } ». Tu voulais dire { $prefix }{ $hint } ? ({ $prefix }aide { $hint } pour la syntaxe)
core-admin_only = ⛔ { $command } est réservé aux admins du salon.
core-unreadable-encryption_off = 🔒 Ce salon est chiffré et je tourne sans le chiffrement : je ne peux pas lire vos messages, donc je n'y réponds pas. Pour que je les lise : dans config.toml, section [matrix], mettez encryption = true (il y faut l'extra e2e, que ./dev run installe), puis redémarrez le bot. Ou parlez-moi dans un salon non chiffré.
core-unreadable-no_key = 🔒 Je n'ai pas pu déchiffrer ce message : sa clé ne m'est pas parvenue. Renvoie-le dans un moment ; si ça se répète, parle-moi dans un salon non chiffré.
core-cause-deleted = 🗑️ Message supprimé
core-cause-edited = ✏️ Message modifié, ce n'est plus une commande
core-period-all = depuis le début
core-period-range = du { $start } au { $end }

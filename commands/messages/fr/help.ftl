help-title = 🤖 Commandes de cagnotte (tape { $prefix }aide <commande> pour la syntaxe complète) :
help-footer = Astuce : modifie ou supprime ton message de commande pour corriger ou annuler.
help-admin_mark = (admins)
help-aliases = Aussi : { $aliases }
help-help-aide = cette liste ; { $prefix }aide contrib pour la syntaxe d'une commande
help-sub-aide-list = la liste des commandes
help-sub-aide-command = la syntaxe complète d'une commande, avec des exemples
help-ex-aide-command =
    { $prefix }aide contrib
    { $prefix }aide reglages

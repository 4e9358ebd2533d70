help-title = 🤖 Commandes de cagnotte (tape { $prefix }aide <commande> pour la syntaxe complète) :
help-footer = Astuce : modifie ou supprime ton message de commande pour corriger ou annuler.
help-admin_mark = (admins)
help-aliases = Aussi : { $aliases }
help-help-aide = cette liste ; { $prefix }aide contrib pour la syntaxe d'une commande

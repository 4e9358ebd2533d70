contrib-saved =
    ✅ Contribution #{ $id } enregistrée pour { $who } : { $duration } le { $date }, { $project } — { $description }.
    Pour corriger : modifie ton message, ou { $prefix }annuler { $id }.
contrib-updated = ✏️ Contribution #{ $id } mise à jour pour { $who } : { $duration } le { $date }, { $project } — { $description }.
contrib-no_description = sans description
contrib-no_project = Sans projet
contrib-removed = 🗑️ Contribution #{ $id } supprimée ({ $who }, { $duration } le { $date }).
contrib-removed_by_redaction = { $cause } : contribution #{ $id } annulée ({ $who }, { $duration } le { $date }).
contrib-removed_unconfirmed = ↩️ Ton ✅ est retiré : la contribution #{ $id } est annulée ({ $who }, { $duration } le { $date }). Remets ✅ pour l'enregistrer à nouveau.
contrib-scope_room = le salon
contrib-in_project = projet { $project }
contrib-without_project = sans projet
contrib-kept = Rien n'a changé : la contribution #{ $id } reste telle quelle ({ $duration } le { $date }, { $project }).
contrib-scope_room_title = Le salon
contrib-error-negative = ⚠️ « { $token } » : une durée doit être positive. Exemple : { $prefix }contrib 3h atelier #KPA
contrib-error-missing_duration = ⚠️ Il manque la durée. Exemples : { $prefix }contrib 3h atelier #KPA · { $prefix }contrib 1h30 hier réunion · { $prefix }contrib 45min lundi compta. ({ $prefix }aide contrib pour tout voir)
contrib-error-zero = ⚠️ Une durée nulle ne compte pas. Exemple : { $prefix }contrib 30min relecture
contrib-error-too_long = ⚠️ { $duration } en une seule fois, c'est plus que le maximum du salon ({ $limit }). Découpe en plusieurs contributions, une par jour. Exemple : { $prefix }contrib 7h lundi atelier
contrib-error-future = ⚠️ Le { $date } est dans le futur : on ne note que ce qui a été fait. Essaie « aujourd'hui », « hier » ou une date passée.
contrib-error-not_admin_for_other = ⛔ Seuls les admins peuvent noter une contribution pour quelqu'un d'autre ({ $user }). Pour toi : { $prefix }contrib 2h …
contrib-error-nothing_to_undo = ℹ️ Tu n'as aucune contribution à annuler ici. Pour en annuler une précise : { $prefix }annuler <numéro>.
contrib-error-bad_id = ⚠️ « { $value } » n'est pas un numéro de contribution. Exemple : { $prefix }annuler 12
contrib-error-no_such_id = ⚠️ Pas de contribution #{ $id } dans ce salon. { $prefix }contribs montre les tiennes avec leur numéro.
contrib-error-not_yours = ⛔ La contribution #{ $id } n'est pas la tienne : seuls son auteur et les admins peuvent la changer. Les tiennes : { $prefix }contribs
contrib-error-bad_filter = ⚠️ Je ne comprends pas « { $token } ». Exemples : { $prefix }contribs · { $prefix }contribs @bob · { $prefix }contribs KPA novembre · { $prefix }contribs tous semaine dernière
contrib-error-group_filter = ⚠️ { $token } désigne tout le salon, pas une personne. Pour tout le salon : { $prefix }contribs tous (ou { $prefix }export csv tous)
contrib-doubtful-close = ❓ « { $word } » ressemble à un code de projet, mais ce salon n'a pas de projet { $word }. Projets proches : { $codes }.
contrib-doubtful-unknown = ❓ « { $word } » ressemble à un code de projet, mais ce salon n'a pas de projet { $word }.
contrib-doubtful-archived = ❓ « { $word } » est le code d'un projet archivé : il n'accepte plus de contributions.
contrib-doubtful-room_codes = Projets du salon : { $codes }.
contrib-doubtful-no_codes = Ce salon n'a encore aucun projet.
contrib-doubtful-nothing = Rien n'est enregistré pour l'instant.
contrib-doubtful-nothing_changed = La contribution n'est pas modifiée pour l'instant.
contrib-doubtful-fix_close = Pour corriger : modifie ton message, avec #{ $code } à la place de « { $word } » par exemple, ou retape la commande.
contrib-doubtful-fix = Pour corriger : modifie ton message ou retape la commande avec le bon code ({ $prefix }projets pour la liste ; un admin peut créer un projet : { $prefix }projet ajouter { $word } "Nom").
contrib-doubtful-fix_archived = Pour corriger : modifie ton message ou retape la commande avec un projet ouvert ({ $prefix }projets pour la liste ; un admin peut rouvrir celui-ci : { $prefix }projet rouvrir { $word }).
contrib-doubtful-confirm = Si ce n'est pas un projet, réagis ✅ à ce message : la contribution sera enregistrée { $without }, le texte tel quel en description. (Un mot entre guillemets, comme "AG", n'est jamais pris pour un code.)
contrib-doubtful-no_project = sans projet
contrib-doubtful-default_project = dans le projet par défaut du salon, { $code }
contrib-doubtful-default_gone = ⚠️ Le projet par défaut a été archivé entre-temps : rien n'est enregistré. Retape la commande avec le projet voulu (la liste : { $prefix }projets).
contrib-list-empty = ℹ️ Aucune contribution pour { $scope } ({ $period }).
contrib-list-headline = 📊 { $scope } — { $period } : { $total } en { $count ->
        [one] { $count } contribution
       *[other] { $count } contributions
    }, { $people ->
        [one] { $people } personne
       *[other] { $people } personnes
    }
contrib-list-latest = Dernières contributions ({ $shown } sur { $count }) :
contrib-col-person = Personne
contrib-col-time = Temps
contrib-col-count = Nb
contrib-col-project = Projet
contrib-col-date = Date
contrib-col-description = Description
contrib-help-contrib = noter une contribution : { $prefix }contrib 3h atelier #KPA
contrib-help-annuler = annuler une contribution : { $prefix }annuler 12 (sans numéro : ta dernière)
contrib-help-contribs = voir les contributions et les totaux : { $prefix }contribs [@personne|tous] [projet] [période]
# ce que fait !contrib, ses exemples (un par ligne), puis ce que l'aide en dit encore
contrib-sub-contrib-log = note le temps donné ; durée, date et projet dans n'importe quel ordre, le reste est la description
contrib-ex-contrib-log =
    { $prefix }contrib 3h atelier KPA
    { $prefix }contrib 1h30 hier #COMPTA rapprochement bancaire
    { $prefix }contrib @alice 2h 12/11 animation
contrib-note-contrib =
    Durées : 3h · 3h30 · 1h05 · 1,5h · 1.5h · 90min · 45 min · 2j (une journée = réglage du salon, 7h par défaut)
    Dates (n'importe où) : aujourd'hui · hier · avant-hier · lundi (le dernier lundi) · 12/11 · 12/11/2026 · 2026-11-12 · 12 novembre
    Le jour avant le mois ; une date sans année est la dernière passée, et au-delà du recul du salon ({ $prefix }reglages) on écrit l'année : 12/11/2025
    Projet : #KPA, ou simplement KPA si c'est un code connu ({ $prefix }projets) ; sinon le projet par défaut du salon.
    @personne : pour noter le temps de quelqu'un d'autre (admins seulement).
    Pour corriger : modifie ton message. Pour annuler : supprime-le, ou { $prefix }annuler <numéro>.
# ce que font les sous-commandes de !annuler, leurs exemples (un par ligne)
contrib-sub-annuler-one = supprime une de tes contributions (les admins : n'importe laquelle)
contrib-ex-annuler-one = { $prefix }annuler 12
contrib-sub-annuler-last = supprime ta dernière contribution dans ce salon
contrib-note-annuler = Supprimer le message de la commande l'annule aussi.
# ce que fait !contribs, ses exemples (un par ligne)
contrib-sub-contribs-show = voir les contributions et les totaux ; sans rien : tes contributions du mois
contrib-ex-contribs-show =
    { $prefix }contribs
    { $prefix }contribs @bob
    { $prefix }contribs KPA novembre
    { $prefix }contribs tous semaine dernière
contrib-note-contribs = Les filtres dans n'importe quel ordre. Périodes : novembre · novembre 2025 · ce mois · mois dernier · cette semaine · semaine dernière · 2026 · du 01/11 au 15/11 · tout

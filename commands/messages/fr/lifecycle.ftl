lifecycle-nothing_left = ℹ️ Rien à annuler : ce que faisait ce message a déjà été défait, ou remplacé depuis. Où en sont les choses : { $prefix }aide
lifecycle-admin_only = ⛔ { $prefix }{ $command } est réservé aux admins du salon, et défaire ce qu'il a fait aussi.
lifecycle-not_allowed = ⚠️ Ce n'est pas possible dans l'état actuel ({ $action }). La liste des commandes : { $prefix }aide
lifecycle-changed_since = ⚠️ Ce que faisait ce message a changé depuis : le défaire effacerait aussi ce qui est venu après, donc rien n'est annulé. Pour changer à nouveau, tape la commande voulue ({ $prefix }aide).
lifecycle-setting_back = ↩️ Message supprimé. { $setting } : de nouveau { $value }.
lifecycle-edit-scope_envelope = ⚠️ Une demande corrigée reste dans son enveloppe : je ne la déplace pas dans une autre. Pour demander dans une autre enveloppe, tape une nouvelle demande (ex. { $prefix }demande KPA décembre 80€).
lifecycle-round-closed = 🔒 Le tour « { $title } » est clos : rien n'y change plus, ni ses buckets, ni ses financements, ni ses allocations. Où en est le tour : { $prefix }tour
lifecycle-round-ended = ⏰ La date limite du tour « { $title } » ({ $date }) est passée : rien n'y entre ni n'en sort plus, il se clôt tout seul. Où en est le tour : { $prefix }tour
lifecycle-round-not_due = ⚠️ Le tour « { $title } » n'est pas arrivé à échéance. Pour le clore maintenant : { $prefix }tour fermer
lifecycle-round-close_kept = 🔒 Le tour « { $title } » reste clos : supprimer le message qui l'a fermé ne le rouvre pas (ses remboursements et ses financements sont figés). Pour un nouveau tour : { $prefix }tour ouvrir "Printemps" 1000€
lifecycle-round-in_use = ⚠️ Le tour « { $title } » a déjà { $allocations ->
        [one] { $allocations } allocation
       *[other] { $allocations } allocations
    } et { $buckets ->
        [one] { $buckets } bucket
       *[other] { $buckets } buckets
    } : supprimer le message qui l'a ouvert ne l'efface pas. Pour le clore : { $prefix }tour fermer
lifecycle-round-removed = ↩️ Message supprimé : le tour #{ $id } « { $title } » n'est plus ouvert (rien n'y avait été alloué ni proposé).
lifecycle-round-reactions_back = ↩️ Message supprimé : les réactions reprennent leur valeur d'avant ({ $reactions }).
lifecycle-bucket-in_use = ⚠️ Le bucket #{ $id } « { $title } » est { $state } et a reçu { $fundings ->
        [one] { $fundings } financement
       *[other] { $fundings } financements
    } : supprimer sa proposition ne l'efface pas. Pour l'annuler et rembourser ses financeurs : { $prefix }bucket { $id } annuler
lifecycle-bucket-removed = ↩️ Proposition retirée : le bucket #{ $id } « { $title } » n'existe plus (personne ne l'avait financé).
lifecycle-bucket-uncancelled = ↩️ Message supprimé : le bucket #{ $id } « { $title } » n'est plus annulé ({ $state }) ; { $held } y reviennent de { $people ->
        [one] { $people } financeur
       *[other] { $people } financeurs
    }.
lifecycle-bucket-uncompleted = ↩️ Message supprimé : le bucket #{ $id } « { $title } » n'est plus marqué réalisé ; il reste financé.
lifecycle-funding-refunded = le bucket #{ $id } « { $title } » est { $state } : ce que tu y avais mis t'a déjà été rendu.
lifecycle-funding-withdraw_ended = la date limite du tour est passée : le bucket #{ $id } « { $title } » garde ce que tu as donné.
lifecycle-funding-spent = ⚠️ { $who } a déjà dépensé ailleurs les { $cents } que l'annulation lui a rendus (solde : { $balance }) : le bucket #{ $id } « { $title } » reste annulé. Les soldes : { $prefix }solde tous
lifecycle-envelope-closed = 🔒 L'enveloppe { $envelope } est clôturée : rien n'y change plus, pas même en modifiant ou en supprimant un message. Sa répartition figée : { $prefix }budget { $project }
lifecycle-envelope-close_kept = 🔒 L'enveloppe { $envelope } reste clôturée : supprimer le message qui l'a close ne la rouvre pas. Sa répartition figée : { $prefix }budget { $project }
lifecycle-envelope-in_use = ⚠️ L'enveloppe { $envelope } a déjà { $requests ->
        [one] { $requests } demande
       *[other] { $requests } demandes
    } et { $givebacks ->
        [one] { $givebacks } don
       *[other] { $givebacks } dons
    } au commun : supprimer le message qui l'a créée ne l'efface pas. Pour la clore : { $prefix }budget { $project } clore
lifecycle-envelope-prorata_undone = ↩️ Message supprimé : le prorata de l'enveloppe { $envelope } est défait ; les montants accordés sont ceux d'avant.
lifecycle-request-withdrawn = ⚠️ La demande #{ $id } est retirée : elle ne change plus. Pour demander à nouveau : { $prefix }demande { $project } 80€
lifecycle-request-in_use = ⚠️ La demande #{ $id } a déjà { $answers ->
        [one] { $answers } validation ou question
       *[other] { $answers } validations ou questions
    }, ou un montant accordé : supprimer son message ne l'efface pas. Pour la retirer : { $prefix }demande { $project } retirer
lifecycle-request-replaced = ⚠️ Une autre demande a remplacé la #{ $id } depuis : elle reste retirée. Les demandes : { $prefix }budget { $project }
lifecycle-request-removed = ↩️ Message supprimé : la demande #{ $id } { DE($who) } n'existe plus.
lifecycle-request-restored = ↩️ Message supprimé : la demande #{ $id } { DE($who) } est de nouveau comme avant ({ $amount }).
lifecycle-contribution-logged_again = ⚠️ La contribution #{ $id } ne peut pas revenir : son message en a noté une autre depuis, ou son projet n'existe plus. Les contributions : { $prefix }contribs
lifecycle-contribution-restored = ↩️ Message supprimé : la contribution #{ $id } est rétablie ({ $who }, { $duration } le { $date }).
lifecycle-project-in_use = ⚠️ Le projet { $code } sert déjà ({ $uses ->
        [one] { $uses } contribution, enveloppe
       *[other] { $uses } contributions, enveloppes
    } ou projet par défaut) : supprimer le message qui l'a créé ne l'efface pas. Pour ne plus l'utiliser : { $prefix }projet archiver { $code }
lifecycle-project-removed = ↩️ Message supprimé : le projet { $code } n'existe plus.
lifecycle-project-renamed_back = ↩️ Message supprimé : le projet reprend son nom : { $code } — { $name }.
lifecycle-project-archived_back = ↩️ Message supprimé : le projet { $code } est de nouveau archivé.
lifecycle-project-reopened_back = ↩️ Message supprimé : le projet { $code } n'est plus archivé.
lifecycle-project-default_gone = ⚠️ Le projet qui était le projet par défaut avant ce message n'existe plus : rien n'est annulé. Pour choisir le projet par défaut : { $prefix }projet defaut CODE
lifecycle-project-default_archived = ⚠️ Le projet { $code } est archivé depuis : il ne peut pas redevenir le projet par défaut, donc rien n'est annulé. Pour le rouvrir : { $prefix }projet rouvrir { $code }

data-mine-not_direct = 🔒 Tes données ne s'affichent pas dans un salon : écris-moi { $prefix }mesdonnees en message privé, je t'y envoie tout.
data-mine-summary =
    📦 Tout ce que je garde sur toi ({ $name }, { $user }) est dans ce fichier JSON :
    • salons : { $rooms }
    • contributions : { $contributions } ({ $duration }), et { $logged_for_others ->
        [one] { $logged_for_others } notée
       *[other] { $logged_for_others } notées
    } par toi pour d'autres
    • allocations : { $allocations }, soldes : { $balances }, financements : { $fundings }, buckets proposés : { $buckets }
    • demandes : { $requests }, questions : { $questions }, validations : { $validations }, dons au commun : { $give_backs }, sources d'enveloppes : { $sources }, parts d'enveloppes : { $shares }, votes d'atterrissage : { $landing_votes }
    • actions en attente de ton ✅ : { $pending_actions }
    • lignes du journal où tu agis : { $audit }, événements traités : { $events }
    Je ne garde pas le texte de tes messages, seulement ce qu'ils ont créé. Pour être oublié·e : { $prefix }oubliemoi
data-forget-offer =
    🕊️ Tu demandes à être oublié·e. Si tu confirmes en réagissant ✅ à ce message :
    • ton identifiant et ton nom sont remplacés partout par un pseudonyme (« Ancien membre 7 ») ;
    • tes descriptions, demandes et questions sont effacées, et mes copies des messages qui te nomment sont vidées ;
    • tes heures, montants, financements et soldes restent, sous le pseudonyme : le registre commun ne perd pas d'argent quand quelqu'un part.
    C'est définitif. Pour garder d'abord une copie de tes données : { $prefix }mesdonnees en message privé.
data-forget-confirmed = ✅ C'est noté : je t'oublie dans une minute au plus. Retire ton ✅ d'ici là pour annuler.
data-forget-cancelled = ↩️ Annulé : je n'oublie rien. Pour recommencer : { $prefix }oubliemoi
data-forget-done = 🕊️ C'est fait : la personne qui a demandé à être oubliée est désormais « { $name } » dans l'historique. Ses heures et ses montants restent au commun.
data-help-importer = importer un fichier CSV (envoyé avec la commande) : contributions ou allocations, aperçu puis ✅ : { $prefix }importer
data-help-mesdonnees = recevoir tout ce que le bot garde sur toi (en message privé) : { $prefix }mesdonnees
data-help-oubliemoi = être oublié·e : ton nom remplacé par un pseudonyme, tes textes effacés (confirmé par ✅) : { $prefix }oubliemoi
data-import-usage = Utilisation : envoie le fichier CSV avec { $prefix }importer en légende (ou { $prefix }importer allocations pour des soldes de cobudget). Ex. : { $prefix }importer contributions
data-import-no_file = 📎 Il me faut le fichier : envoie le CSV avec { $prefix }importer comme légende du fichier (dans la console : /fichier heures.csv { $prefix }importer).
data-import-one_file = 📎 Un seul fichier à la fois : renvoie-le seul avec { $prefix }importer.
data-import-file_too_big = 📎 Ce fichier est trop gros pour être lu ici (5 Mo au plus). Découpe-le, ou importe-le avec la commande cagnotte import ; puis { $prefix }importer pour chaque morceau.
data-import-unreadable = ⚠️ Je ne peux pas lire ce fichier : { $reason } Renvoie un CSV (séparateur ; ou ,) avec { $prefix }importer.
data-import-changed = ⚠️ Le salon a changé depuis l'aperçu (un projet, un membre, le tour) : des lignes seraient maintenant refusées, rien n'est importé. Renvoie le fichier avec { $prefix }importer pour un nouvel aperçu.
data-import-undo_closed = ⚠️ Le tour de ces allocations est clos : l'import reste. Pour corriger une allocation : { $prefix }aide allouer
data-import-undo_spent = ⚠️ { $who } a déjà dépensé une partie de ce que l'import lui a alloué : l'import reste. Retirez d'abord les financements ({ $prefix }solde), puis retire ton ✅.
data-import-empty = le fichier est vide.
data-import-too_many = le fichier a { $rows } lignes, j'en lis { $most } au plus.
data-import-missing_columns = ⚠️ Il manque des colonnes : { $missing } (colonnes du fichier : { $columns }). Nomme-les dans l'en-tête (date, personne, heures, projet, description ; ou personne, montant), ou indique-les : --map heures=Durée.
data-import-no_round = ⚠️ Aucun tour ouvert dans ce salon pour recevoir des allocations : ouvre-en un d'abord ({ $prefix }tour ouvrir "Hiver" 1000€).
data-import-over_pot = ⚠️ Le fichier alloue { $total }, mais il ne reste que { $left } à allouer dans le tour « { $title } » : rien n'est importé.
data-import-formula = « { $cell } » commence comme une formule de tableur : je ne l'importe pas. Écris le texte sans = + - @ au début.
data-import-not_member = { $who } n'est pas membre du salon : on n'alloue qu'aux membres actuels.
data-import-too_long_text = la description dépasse { $most } caractères.
data-import-no_person = personne n'est nommé sur cette ligne.
data-import-ambiguous_person = « { $who } » peut désigner plusieurs membres ({ $people }) : écris l'identifiant complet, ou relie le nom dans le fichier de correspondance.
data-import-unknown_person = je ne connais personne « { $who } » dans ce salon : écris son identifiant (@compte) dans le fichier, ou relie ce nom à un compte (cagnotte import --people noms.csv).
data-import-no_date = pas de date sur cette ligne (ex. 12/11/2026).
data-import-bad_date = « { $cell } » n'est pas une date (écris 12/11/2026 ou 2026-11-12).
data-import-date_out_of_range = « { $cell } » : l'année doit être entre { $first } et { $last }.
data-import-impossible_date = « { $cell } » : ce jour n'existe pas (le jour vient avant le mois : 12/11/2026).
data-import-date_without_year = « { $cell } » n'a pas d'année : écris-la (12/11/2026).
data-import-future_date = le { $date } est dans le futur.
data-import-negative = « { $cell } » est négatif.
data-import-bad_duration = « { $cell } » n'est pas une durée (ex. 1,5 ou 3h30 ou 90min).
data-import-no_duration = pas de durée sur cette ligne (ex. 1,5).
data-import-zero = une durée nulle ne se note pas.
data-import-too_long = { $duration }, c'est plus que le maximum d'une entrée dans ce salon ({ $limit }).
data-import-unknown_project = projet « { $code } » inconnu dans ce salon (codes : { $codes }) : crée-le ou corrige la ligne.
data-import-archived_project = le projet { $code } est archivé : rouvre-le ou corrige la ligne.
data-import-no_amount = pas de montant sur cette ligne (ex. 12,50).
data-import-bad_amount = « { $cell } » n'est pas un montant (ex. 12,50).
data-import-currency = « { $cell } » n'est pas dans la devise du salon ({ $currency }).
data-import-zero_amount = un montant nul ne s'alloue pas.
data-import-title = 📥 Aperçu de l'import : { $kind }, fichier « { $file } » ({ $format } ; colonnes : { $columns })
data-import-would_contributions = { $rows ->
        [one] { $rows } ligne
       *[other] { $rows } lignes
    } à importer : { $duration } pour { $people ->
        [one] { $people } personne
       *[other] { $people } personnes
    }.
data-import-would_allocations = { $rows ->
        [one] { $rows } allocation
       *[other] { $rows } allocations
    } à importer : { $total } dans le tour « { $title } ».
data-import-more = … et { $more ->
        [one] { $more } ligne
       *[other] { $more } lignes
    } de plus.
data-import-already = { $rows ->
        [one] { $rows } ligne déjà importée : ignorée
       *[other] { $rows } lignes déjà importées : ignorées
    }.
data-import-refused_title = ⚠️ { $rows ->
        [one] { $rows } ligne refusée
       *[other] { $rows } lignes refusées
    } :
data-import-refused_row = • ligne { $line } : { $reason }
data-import-more_refused = … et { $more ->
        [one] { $more } ligne refusée
       *[other] { $more } lignes refusées
    } de plus (cagnotte import les liste toutes).
data-import-unknown = Personnes inconnues ({ $count }) : { $people }.
data-import-nothing = Rien n'est importé tant qu'une ligne est refusée : corrige le fichier et renvoie-le.
data-import-nothing_new = Rien de nouveau à importer.
data-import-confirm = Réagis ✅ à ce message pour importer ces { $rows ->
        [one] { $rows } ligne
       *[other] { $rows } lignes
    } (retirer le ✅ les retire).
data-import-done = ✅ Import fait : { $rows ->
        [one] { $rows } ligne enregistrée
       *[other] { $rows } lignes enregistrées
    }, { $skipped } déjà là.
data-import-undone = ↩️ Import retiré : { $rows ->
        [one] { $rows } ligne supprimée
       *[other] { $rows } lignes supprimées
    }.
data-import-kind-contributions = contributions
data-import-kind-allocations = allocations
data-import-format-own = export de ce bot
data-import-format-sheet = tableur
data-import-format-cobudget = allocations Cobudget
data-import-col-line = ligne
data-import-col-date = date
data-import-col-person = personne
data-import-col-duration = durée
data-import-col-project = projet
data-import-col-description = description
data-import-col-amount = montant
# ce que fait !importer, ses exemples (un par ligne), puis ce que l'aide en dit encore
data-sub-importer-file = avec le fichier CSV en pièce jointe
data-ex-importer-file =
    { $prefix }importer
    { $prefix }importer allocations
data-note-importer =
    Fichiers lus : un export de ce bot, un tableur (date, personne, heures, projet, description), des allocations Cobudget (personne ou email, montant). Séparateur ; ou , ; virgule décimale ; dates avec l'année (12/11/2026 ou 2026-11-12).
    Je montre ce qui serait importé et chaque ligne refusée avec sa raison ; ✅ sur l'aperçu importe tout d'un coup. Le même fichier renvoyé n'ajoute rien. Retirer le ✅ retire l'import.
    Ligne de commande : cagnotte import contributions heures.csv --room SALON [--people noms.csv] [--apply]
data-sub-mesdonnees-send = en message privé au bot : je t'envoie un fichier JSON avec tout ce que je garde sur toi, dans tous les salons : ton nom affiché, tes salons, tes contributions, allocations, soldes, financements, buckets, demandes, questions, validations, dons, parts d'enveloppes, actions en attente, les lignes du journal où tu agis et les événements traités. Je ne garde pas le texte de tes messages.
data-sub-oubliemoi-offer = puis ✅ sur ma réponse pour confirmer : ton identifiant et ton nom sont remplacés partout par un pseudonyme (« Ancien membre 7 »), tes descriptions, demandes et questions effacées. Tes heures, montants et soldes restent au commun. Retirer le ✅ dans la minute annule ; après, c'est définitif.
data-note-oubliemoi = Un admin fait de même pour quelqu'un qui est parti : cagnotte forget @personne

projects-none = ℹ️ Aucun projet pour l'instant. Un admin peut en créer : { $prefix }projet ajouter KPA "KPA-Cités"
projects-title = 📁 Projets du salon ({ $count })
projects-default_legend = ★ = projet par défaut : une contribution qui ne cite aucun projet y est comptée.
projects-archived = archivé
projects-active = actif
projects-usage = Utilisation : { $prefix }projet ajouter CODE "Nom" · { $prefix }projet renommer CODE "Nouveau nom" · { $prefix }projet archiver CODE · { $prefix }projet rouvrir CODE · { $prefix }projet defaut CODE (ou aucun)
projects-show = 📁 { $code } : { $name }
projects-added = ✅ Projet { $code } créé : { $name }. On peut maintenant écrire « #{ $code } » dans une contribution.
projects-renamed = ✏️ Projet { $old } renommé : { $code } — { $name }.
projects-archived_now = 📦 Projet { $code } archivé : il n'accepte plus de nouvelles contributions (les anciennes restent).
projects-reopened = 📂 Projet { $code } rouvert.
projects-default_none = ✅ Plus de projet par défaut dans ce salon.
projects-default_set = ✅ Projet par défaut du salon : { $code }. Une contribution sans projet y sera comptée.
projects-col-code = Code
projects-col-name = Nom
projects-col-state = État
projects-error-unknown_hint = ⚠️ Projet « { $code } » inconnu. Projets proches : { $codes }. Tous les projets : { $prefix }projets
projects-error-unknown_none = ⚠️ Projet « { $code } » inconnu, et ce salon n'a encore aucun projet. Un admin peut le créer : { $prefix }projet ajouter { $code } "Nom du projet"
projects-error-archived = ⚠️ Le projet { $code } est archivé : il n'accepte plus de contributions. Les projets : { $prefix }projets ; un admin le rouvre avec { $prefix }projet rouvrir { $code }
projects-error-bad_code = ⚠️ « { $code } » ne peut pas servir de code : lettres, chiffres, - et _ seulement, 32 caractères au plus (ex. KPA).
projects-error-exists = ⚠️ Le projet { $code } existe déjà. Pour le renommer : { $prefix }projet renommer { $code } "Nouveau nom"
projects-help-projets = lister les projets du salon
projects-help-projet = gérer les projets (admins) : { $prefix }projet ajouter KPA "KPA-Cités"
projects-sub-projets-list = les projets ouverts du salon (★ : le projet par défaut)
projects-sub-projets-archived = tous les projets, archivés compris
projects-sub-projet-add = crée un projet ; sans nom, le code sert de nom
projects-ex-projet-add =
    { $prefix }projet ajouter KPA "KPA-Cités"
    { $prefix }projet ajouter ATL Atelier vélo
projects-sub-projet-rename = change son nom, ou son code quand le nouveau nom est un code en capitales
projects-ex-projet-rename =
    { $prefix }projet renommer KPA "Nouveau nom"
    { $prefix }projet renommer KPA KPC
projects-sub-projet-archive = plus de nouvelles contributions
projects-ex-projet-archive = { $prefix }projet archiver KPA
projects-sub-projet-reopen = il accepte de nouveau des contributions
projects-ex-projet-reopen = { $prefix }projet rouvrir KPA
projects-sub-projet-default = projet des contributions qui n'en citent pas (ou : aucun)
projects-ex-projet-default =
    { $prefix }projet defaut KPA
    { $prefix }projet defaut aucun
projects-sub-projet-show = voir un projet
projects-ex-projet-show = { $prefix }projet KPA

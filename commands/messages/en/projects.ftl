projects-none = ℹ️ No projects yet. An admin can create one: { $prefix }project add KPA "KPA-Cités"
projects-title = 📁 Projects of this room ({ $count })
projects-default_legend = ★ = default project: a contribution that names no project counts for it.
projects-archived = archived
projects-active = active
projects-usage = Usage: { $prefix }project add CODE "Name" · { $prefix }project rename CODE "New name" · { $prefix }project archive CODE · { $prefix }project reopen CODE · { $prefix }project default CODE (or none)
projects-show = 📁 { $code }: { $name }
projects-added = ✅ Project { $code } created: { $name }. Contributions can now say “#{ $code }”.
projects-renamed = ✏️ Project { $old } renamed: { $code } — { $name }.
projects-archived_now = 📦 Project { $code } archived: it takes no new contributions (the old ones stay).
projects-reopened = 📂 Project { $code } reopened.
projects-default_none = ✅ This room has no default project any more.
projects-default_set = ✅ Default project of this room: { $code }. A contribution without a project counts there.
projects-col-code = Code
projects-col-name = Name
projects-col-state = State
projects-error-unknown_hint = ⚠️ Unknown project “{ $code }”. Close ones: { $codes }. All projects: { $prefix }projects
projects-error-unknown_none = ⚠️ Unknown project “{ $code }”, and this room has no project yet. An admin can create it: { $prefix }project add { $code } "Project name"
projects-error-archived = ⚠️ Project { $code } is archived: it takes no more contributions. The projects: { $prefix }projects; an admin reopens it with { $prefix }project reopen { $code }
projects-error-bad_code = ⚠️ “{ $code }” cannot be a code: letters, digits, - and _ only, 32 characters at most (e.g. KPA).
projects-error-exists = ⚠️ Project { $code } already exists. To rename it: { $prefix }project rename { $code } "New name"
projects-help-projets = list the room's projects
projects-help-projet = manage projects (admins): { $prefix }project add KPA "KPA-Cités"
projects-sub-projets-list = the room's open projects (★: the default project)
projects-sub-projets-archived = every project, archived ones included
projects-sub-projet-add = creates a project; without a name, the code is its name
projects-ex-projet-add =
    { $prefix }project add KPA "KPA-Cités"
    { $prefix }project add ATL Bike workshop
projects-sub-projet-rename = changes its name, or its code when the new name is a code in capitals
projects-ex-projet-rename =
    { $prefix }project rename KPA "New name"
    { $prefix }project rename KPA KPC
projects-sub-projet-archive = no new contributions
projects-ex-projet-archive = { $prefix }project archive KPA
projects-sub-projet-reopen = it takes contributions again
projects-ex-projet-reopen = { $prefix }project reopen KPA
projects-sub-projet-default = project of contributions that name none (or: none)
projects-ex-projet-default =
    { $prefix }project default KPA
    { $prefix }project default none
projects-sub-projet-show = show a project
projects-ex-projet-show = { $prefix }project KPA

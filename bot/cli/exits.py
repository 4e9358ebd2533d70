"""The exit codes of ``cagnotte``, and how its help tells them."""

EXIT_OK = 0
EXIT_ERROR = 1  # stopped by an error (the log says which)
EXIT_CONFIG = 2  # a bad setting (the message names it), or a bad option
EXIT_AUTH = 3  # a chat server refused the bot's credentials
EXIT_STORAGE = 4  # the database or the data directory cannot be used

EPILOG = """codes de sortie / exit codes:
  0  arrêt normal / stopped normally
  1  arrêté par une erreur (voir le journal) / stopped by an error (see the log)
  2  configuration invalide : le message nomme le réglage / bad configuration: the message
     names the setting, the value and what is expected
  3  un serveur de chat a refusé les identifiants du bot / a chat server refused the bot's
     credentials (token, password)
  4  base de données ou dossier de données inutilisable / the database or the data directory
     cannot be created, opened or written (copy: the target is not an empty PostgreSQL
     database, or the copy failed; nothing is kept of it)
"""

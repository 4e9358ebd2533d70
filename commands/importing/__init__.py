"""Bringing data in: the CSV files people have, read into contributions or allocations.

Three kinds of files are recognised by their headers (or mapped with ``--map field=Header``):

- this bot's own exports (``!export csv``): the neutralisation of formula-like cells is undone,
  exactly (a text cell that starts with ``'`` loses that one ``'``);
- a spreadsheet with the columns date, person, hours, project, description (French or English
  headers, a few usual synonyms);
- a Cobudget allocations file: an email or id, an amount.

Cells are read with the chat's grammar, so that a file says what a command would: French decimal
commas and ``;`` or ``,`` between fields, dates day first (``12/11/2026``, ``2026-11-12``, with
their year), durations (``1,5``, ``3h30``, ``90min``), amounts (``12,50``; ``1.500`` is refused
with both readings). People are matched through a mapping file (name or email -> user id), else
to a member of the room by their id, name or the local part of their id.

Nothing is half-imported: a file with a refused row imports nothing, and is answered with every
refused row, its number (the line of the file) and the reason. Each row gets an import id: a hash
of the room, the normalised row and how many times the same row came before it in the file (not
its position), stored as the record's event id, so that importing the same file again adds
nothing. Numbers come from the room's counters, as for a command.

``plan`` reads a file (nothing is written); ``apply`` writes a plan in the caller's transaction.
``!importer`` (admins, with the file attached) answers with the preview and applies it on ✅;
``cagnotte import`` does the same from the command line (a dry run unless ``--apply``).
"""

from commands.importing.applying import apply, preview
from commands.importing.command import import_command, register
from commands.importing.fields import (
    ALLOCATIONS,
    CONTRIBUTIONS,
    FAMILY,
    FIELDS,
    HEADERS,
    IMPORT_PREFIX,
    KIND_IMPORT,
    KIND_WORDS,
    KINDS,
    MAX_ROWS,
    OWN_EXPORT,
    SHOWN_REFUSALS_CHAT,
    SHOWN_ROWS,
    ImportFileError,
    Plan,
    Row,
    header_key,
)
from commands.importing.planning import import_id, plan
from commands.importing.reading import (
    columns_of,
    decode,
    guess_kind,
    is_own_export,
    parse_map,
    parse_people,
    read_rows,
)

__all__ = [
    "ALLOCATIONS",
    "CONTRIBUTIONS",
    "FAMILY",
    "FIELDS",
    "HEADERS",
    "IMPORT_PREFIX",
    "KINDS",
    "KIND_IMPORT",
    "KIND_WORDS",
    "MAX_ROWS",
    "OWN_EXPORT",
    "SHOWN_REFUSALS_CHAT",
    "SHOWN_ROWS",
    "ImportFileError",
    "Plan",
    "Row",
    "apply",
    "columns_of",
    "decode",
    "guess_kind",
    "header_key",
    "import_command",
    "import_id",
    "is_own_export",
    "parse_map",
    "parse_people",
    "plan",
    "preview",
    "read_rows",
    "register",
]

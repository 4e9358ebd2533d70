"""What an imported file may hold: its kinds, their fields and the headers that name them, and
what a plan of it is (rows, refusals)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from commands.csvfile import CONTRIBUTION_COLUMNS
from commands.grammar import fold
from storage.models import CobudgetRound, Project

FAMILY = "data"


KIND_IMPORT = "import_file"  # a pending action: the file, applied on ✅


CONTRIBUTIONS, ALLOCATIONS = "contributions", "allocations"


KINDS = (CONTRIBUTIONS, ALLOCATIONS)


KIND_WORDS = {
    "contributions": CONTRIBUTIONS,
    "contribution": CONTRIBUTIONS,
    "contribs": CONTRIBUTIONS,
    "heures": CONTRIBUTIONS,
    "hours": CONTRIBUTIONS,
    "allocations": ALLOCATIONS,
    "allocation": ALLOCATIONS,
    "soldes": ALLOCATIONS,
    "balances": ALLOCATIONS,
    "cobudget": ALLOCATIONS,
}


IMPORT_PREFIX = "import:"


MAX_ROWS = 20_000


SHOWN_ROWS = 10  # rows of the preview shown in full


SHOWN_REFUSALS_CHAT = 20  # refused rows listed in the room (the command line lists them all)


# the fields of each kind, and the headers that name them (folded: no case, accents, spaces)
FIELDS: dict[str, tuple[str, ...]] = {
    CONTRIBUTIONS: CONTRIBUTION_COLUMNS,
    ALLOCATIONS: ("person", "user", "amount"),
}


HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("n", "no", "numero", "number", "num"),
    "date": ("date", "jour", "day", "le", "quand", "when"),
    "person": (
        "personne",
        "person",
        "membre",
        "member",
        "nom",
        "name",
        "qui",
        "who",
        "contributeur",
        "contributrice",
        "contributor",
        "benevole",
        "volunteer",
        "email",
        "mail",
        "courriel",
        "adressemail",
        "emailaddress",
        "utilisateur",
        "user",
        "participant",
    ),
    "user": ("identifiant", "userid", "id", "compte", "account", "matrixid", "mattermostid"),
    "minutes": ("minutes", "min", "mn"),
    "hours": ("heures", "hours", "h", "duree", "duration", "temps", "time", "nbheures"),
    "project": ("projet", "project", "code", "codeprojet", "projectcode"),
    "description": (
        "description",
        "desc",
        "commentaire",
        "commentaires",
        "comment",
        "comments",
        "note",
        "notes",
        "quoi",
        "what",
        "activite",
        "activity",
        "tache",
        "task",
        "libelle",
    ),
    "event": ("event", "eventid", "iddelevenement", "evenement"),
    "amount": (
        "montant",
        "amount",
        "somme",
        "sum",
        "allocation",
        "euros",
        "eur",
        "valeur",
        "value",
        "credits",
        "solde",
        "balance",
    ),
}


# the fields of the bot's own contribution export (``commands.export``), in its order
OWN_EXPORT = CONTRIBUTION_COLUMNS


class ImportFileError(ValueError):
    """The file as a whole cannot be read (no header, an unknown column in ``--map``...); the
    message is the text to show."""


def header_key(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum())


@dataclass
class Row:
    """A row that would be imported. ``line``: its line in the file (the header is line 1)."""

    line: int
    import_id: str
    user_id: str
    minutes: int = 0
    day: dt.date | None = None
    project: Project | None = None
    description: str = ""
    cents: int = 0
    already: bool = False


@dataclass
class Plan:
    """What importing a file would do: the rows, the refused rows (line, reason) and the people
    the file names that nobody maps to an account; ``problems`` refuse the whole file."""

    kind: str
    file_name: str
    own_export: bool
    columns: dict[str, str]  # field -> header of the file
    rows: list[Row] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    round: CobudgetRound | None = None

    @property
    def new(self) -> list[Row]:
        return [r for r in self.rows if not r.already]

    @property
    def ok(self) -> bool:
        return not self.refused and not self.problems

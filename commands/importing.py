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

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select

from commands import grammar
from commands.core import Context, Registry, UserError, room_members
from commands.csvfile import FORMULA_STARTS, NEUTRALISED
from commands.events import Message
from commands.grammar import fold, is_mention, match_date, parse_amount, parse_duration, tokenize
from commands.pending import offer
from commands.people import Candidate, match_person, name_key, room_candidates
from commands.refusals import check_amount
from commands.render import Rich, lines, table
from storage.models import (
    Allocation,
    BotMessage,
    CobudgetRound,
    Contribution,
    PendingAction,
    Project,
)
from storage.models.cobudget import ROUND_OPEN
from storage.numbers import CONTRIBUTION, next_number

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
    CONTRIBUTIONS: (
        "number",
        "date",
        "person",
        "user",
        "minutes",
        "hours",
        "project",
        "description",
        "event",
    ),
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
OWN_EXPORT = (
    "number",
    "date",
    "person",
    "user",
    "minutes",
    "hours",
    "project",
    "description",
    "event",
)


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


# --------------------------------------------------------------------------- reading the file


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else Windows-1252 (what
    spreadsheets in French write when they are not asked for UTF-8)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_rows(text: str) -> list[list[str]]:
    """The CSV's rows (``;``, ``,`` or a tab between fields, whichever the header uses most)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=lambda d: (first.count(d), d == ";"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [row for row in reader if any(cell.strip() for cell in row)]


def parse_map(items: Iterable[str]) -> dict[str, str]:
    """``--map date=Jour,hours=Durée`` (or repeated): field -> header. Raises
    ``ImportFileError`` for an unknown field."""
    known = {f for fields in FIELDS.values() for f in fields}
    out: dict[str, str] = {}
    for item in items:
        for part in item.split(","):
            if not part.strip():
                continue
            name, sep, header = part.partition("=")
            name = name.strip().lower()
            if not sep or not header.strip() or name not in known:
                raise ImportFileError(
                    f"--map {part.strip()!r}: write FIELD=Header, FIELD one of "
                    f"{', '.join(sorted(known))}"
                )
            out[name] = header.strip()
    return out


def parse_people(text: str) -> dict[str, str]:
    """A mapping file: one ``name or email or old id, user id`` per line (CSV, ``;`` or ``,``;
    a header line and lines starting with ``#`` are skipped). Keys compare without case,
    accents or punctuation."""
    out: dict[str, str] = {}
    for row in read_rows(text):
        if len(row) < 2 or row[0].lstrip().startswith("#"):
            continue
        key, user = row[0].strip(), row[1].strip()
        if not key or not user or header_key(user) in ("userid", "identifiant", "id", "compte"):
            continue
        out[_person_key(key)] = user
    return out


def _person_key(text: str) -> str:
    return name_key(text) or text.strip().casefold()


def columns_of(kind: str, header: list[str], mapping: Mapping[str, str]) -> dict[str, int]:
    """Field -> column index, from ``mapping`` first, then the headers' usual names."""
    keys = [header_key(h) for h in header]
    found: dict[str, int] = {}
    for name, wanted in mapping.items():
        if name not in FIELDS[kind]:
            continue
        if header_key(wanted) not in keys:
            raise ImportFileError(
                f"--map {name}={wanted}: the file has no column {wanted!r} "
                f"(its columns: {', '.join(header)})"
            )
        found[name] = keys.index(header_key(wanted))
    for name in FIELDS[kind]:
        if name in found:
            continue
        for i, key in enumerate(keys):
            if i not in found.values() and key in HEADERS[name]:
                found[name] = i
                break
    return found


def is_own_export(header: list[str]) -> bool:
    """Whether ``header`` is this bot's contribution export's, in either language."""
    from commands import i18n

    keys = [header_key(_unneutralise(h)) for h in header]
    return any(
        keys == [header_key(i18n.t(lang, f"export.col.{c}")) for c in OWN_EXPORT]
        for lang in i18n.LANGUAGES
    )


def _unneutralise(cell: str) -> str:
    """Undo ``commands.export.neutralise``: one leading ``'`` goes, nothing else changes."""
    return cell[1:] if cell.startswith(NEUTRALISED) else cell


def guess_kind(header: list[str]) -> str:
    """Allocations when there is an amount column and no duration, else contributions."""
    keys = {header_key(h) for h in header}
    has_amount = bool(keys & set(HEADERS["amount"]))
    has_time = bool(keys & (set(HEADERS["hours"]) | set(HEADERS["minutes"])))
    return ALLOCATIONS if has_amount and not has_time else CONTRIBUTIONS


# --------------------------------------------------------------------------- planning


class _Refused(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def plan(
    ctx: Context,
    data: bytes,
    *,
    file_name: str,
    kind: str | None = None,
    mapping: Mapping[str, str] | None = None,
    people: Mapping[str, str] | None = None,
) -> Plan:
    """Read ``data`` for the room of ``ctx`` (nothing is written). Raises ``ImportFileError``
    when the file cannot be read at all."""
    rows = read_rows(decode(data))
    if not rows:
        raise ImportFileError(ctx.t("data.import.empty"))
    header, body = rows[0], rows[1:]
    if len(body) > MAX_ROWS:
        raise ImportFileError(ctx.t("data.import.too_many", rows=len(body), most=MAX_ROWS))
    own = is_own_export(header)
    kind = kind or (CONTRIBUTIONS if own else guess_kind(header))
    cols = columns_of(kind, [_unneutralise(h) for h in header], mapping or {})
    result = Plan(kind, file_name, own, {name: header[i] for name, i in cols.items()})
    needed = ("date", "person", "hours") if kind == CONTRIBUTIONS else ("person", "amount")
    missing = [
        name
        for name in needed
        if name not in cols
        and not (name == "hours" and "minutes" in cols)
        and not (name == "person" and "user" in cols)
    ]
    if missing:
        result.problems.append(
            ctx.t(
                "data.import.missing_columns",
                missing=", ".join(missing),
                columns=", ".join(header),
            )
        )
        return result
    if kind == ALLOCATIONS:
        result.round = ctx.db.exec(
            select(CobudgetRound).where(
                CobudgetRound.room_id == ctx.room.id, CobudgetRound.state == ROUND_OPEN
            )
        ).first()
        if result.round is None:
            result.problems.append(ctx.t("data.import.no_round", prefix=ctx.settings.prefix))
            return result
    reader = _Reader(ctx, kind, own, cols, people or {})
    seen: Counter[tuple[str, ...]] = Counter()
    for offset, cells in enumerate(body):
        line = offset + 2
        try:
            row, key = reader.row(line, cells)
        except _Refused as err:
            result.refused.append((line, err.text))
            continue
        seen[key] += 1
        row.import_id = import_id(kind, ctx.room.id, key, seen[key])
        result.rows.append(row)
    result.unknown = sorted(reader.unknown)
    _mark_already(ctx, result)
    if kind == ALLOCATIONS and result.round is not None and result.ok:
        _check_pot(ctx, result)
    return result


def import_id(kind: str, room_id: str, key: tuple[str, ...], occurrence: int) -> str:
    """The id of the ``occurrence``-th row equal to ``key`` in a file imported into ``room_id``."""
    text = "\x1f".join((kind, room_id, *key, str(occurrence)))
    return IMPORT_PREFIX + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _mark_already(ctx: Context, result: Plan) -> None:
    ids = [r.import_id for r in result.rows]
    model: Any = Contribution if result.kind == CONTRIBUTIONS else Allocation
    done: set[str] = set()
    for i in range(0, len(ids), 500):
        done.update(
            ctx.db.exec(
                select(model.event_id).where(col(model.event_id).in_(ids[i : i + 500]))
            ).all()
        )
    for row in result.rows:
        row.already = row.import_id in done


def _check_pot(ctx: Context, result: Plan) -> None:
    from commands.cobudget import allocated

    rnd = result.round
    assert rnd is not None and rnd.id is not None
    left = rnd.pot_cents - allocated(ctx.db, rnd.id)
    total = sum(r.cents for r in result.new)
    if total > left:
        result.problems.append(
            ctx.t(
                "data.import.over_pot",
                total=ctx.money(total),
                left=ctx.money(left),
                title=rnd.title,
            )
        )


class _Reader:
    """Reads one row at a time, with what every row needs (people, projects, today)."""

    def __init__(
        self,
        ctx: Context,
        kind: str,
        own: bool,
        cols: dict[str, int],
        people: Mapping[str, str],
    ) -> None:
        self.ctx = ctx
        self.kind = kind
        self.own = own
        self.cols = cols
        self.people = people
        self.unknown: set[str] = set()
        self.candidates: list[Candidate] = room_candidates(
            ctx.db, ctx.room.id, include_left=kind == CONTRIBUTIONS
        )
        self.members = set(room_members(ctx.db, ctx.room.id))
        self.projects = {
            p.code_key: p
            for p in ctx.db.exec(select(Project).where(Project.room_id == ctx.room.id)).all()
        }
        self.by_name = {fold(p.name): p for p in self.projects.values() if p.name}
        self.default = (
            ctx.db.get(Project, ctx.room.default_project_id)
            if ctx.room.default_project_id is not None
            else None
        )

    def refuse(self, key: str, **params: Any) -> _Refused:
        return _Refused(self.ctx.t(key, **{"prefix": self.ctx.settings.prefix, **params}))

    # -- cells ---------------------------------------------------------------------------------
    def cell(self, cells: list[str], name: str, *, text: bool = True) -> str:
        i = self.cols.get(name)
        raw = cells[i] if i is not None and i < len(cells) else ""
        value = raw.strip()
        if value.startswith("="):
            raise self.refuse("data.import.formula", cell=_short(value))
        if not text:
            return value
        if self.own and raw.startswith(NEUTRALISED):
            return raw[1:].strip()  # the bot's own mark: exactly one ' goes
        if raw.startswith(FORMULA_STARTS) and not (
            name in ("person", "user") and is_mention(value)
        ):
            raise self.refuse("data.import.formula", cell=_short(value))
        return value

    # -- one row ----------------------------------------------------------------------------
    def row(self, line: int, cells: list[str]) -> tuple[Row, tuple[str, ...]]:
        person_cell = self.cell(cells, "person")
        user_cell = self.cell(cells, "user")
        user = self.person(person_cell, user_cell)
        who = user_cell.casefold() if user_cell else _person_key(person_cell)
        if self.kind == ALLOCATIONS:
            cents = self.amount(self.cell(cells, "amount", text=False))
            if user not in self.members:
                raise self.refuse("data.import.not_member", who=user_cell or person_cell)
            return Row(line, "", user, cents=cents), (who, str(cents))
        day = self.day(self.cell(cells, "date", text=False))
        minutes = self.minutes(
            self.cell(cells, "minutes", text=False), self.cell(cells, "hours", text=False)
        )
        project = self.project(self.cell(cells, "project"))
        description = " ".join(self.cell(cells, "description").split())
        if len(description) > 2000:
            raise self.refuse("data.import.too_long_text", most=2000)
        key = (who, day.isoformat(), str(minutes), project.code_key if project else "", description)
        return Row(line, "", user, minutes, day, project, description), key

    def person(self, cell: str, user_cell: str) -> str:
        for text in (user_cell, cell):
            mapped = self.people.get(_person_key(text)) if text else None
            if mapped:
                return mapped
        if self.own and user_cell:
            return user_cell
        wanted = user_cell or cell
        if not wanted:
            raise self.refuse("data.import.no_person")
        found = match_person(wanted if wanted.startswith("@") else f"@{wanted}", self.candidates)
        if found.user_id is not None:
            return found.user_id
        if found.matches:
            raise self.refuse(
                "data.import.ambiguous_person",
                who=wanted,
                people=", ".join(c.user_id for c in found.matches),
            )
        self.unknown.add(wanted)
        raise self.refuse("data.import.unknown_person", who=wanted)

    def day(self, cell: str) -> dt.date:
        if not cell:
            raise self.refuse("data.import.no_date")
        text = cell.split(" ")[0] if " " in cell and ":" in cell.split(" ", 1)[1] else cell
        found = match_date(tokenize(text), 0, self.ctx.today)
        if found is None or found.used != len(tokenize(text)):
            raise self.refuse("data.import.bad_date", cell=_short(cell))
        if found.day is None:
            if found.error == grammar.OUT_OF_RANGE:
                raise self.refuse(
                    "data.import.date_out_of_range",
                    cell=_short(cell),
                    first=grammar.EARLIEST_DAY.year,
                    last=grammar.LATEST_DAY.year,
                )
            raise self.refuse("data.import.impossible_date", cell=_short(cell))
        if not found.year_given:
            raise self.refuse("data.import.date_without_year", cell=_short(cell))
        if found.day > self.ctx.today:
            raise self.refuse("data.import.future_date", date=self.ctx.date(found.day))
        return found.day

    def minutes(self, minutes_cell: str, hours_cell: str) -> int:
        if minutes_cell:
            value = grammar.parse_int(minutes_cell.lstrip("+"), maximum=10**6)
            if value is None:
                if minutes_cell.lstrip().startswith(("-", "−")):
                    raise self.refuse("data.import.negative", cell=_short(minutes_cell))
                raise self.refuse("data.import.bad_duration", cell=_short(minutes_cell))
            total = value
        else:
            if not hours_cell:
                raise self.refuse("data.import.no_duration")
            number = hours_cell.replace(" ", "")
            bare = number.lstrip("+-−")
            found = parse_duration(number + ("h" if bare and bare[-1].isdigit() else ""))
            if found is None:
                raise self.refuse("data.import.bad_duration", cell=_short(hours_cell))
            if found.negative:
                raise self.refuse("data.import.negative", cell=_short(hours_cell))
            total = found.minutes
        if total <= 0:
            raise self.refuse("data.import.zero")
        if total > self.ctx.room.max_entry_minutes:
            raise self.refuse(
                "data.import.too_long",
                duration=self.ctx.duration(total),
                limit=self.ctx.duration(self.ctx.room.max_entry_minutes),
            )
        return total

    def project(self, cell: str) -> Project | None:
        if not cell:
            return self.default
        code = cell.lstrip("#")
        project = self.projects.get(fold(code)) or self.by_name.get(fold(cell))
        if project is None:
            codes = sorted(p.code for p in self.projects.values() if not p.archived)
            raise self.refuse(
                "data.import.unknown_project",
                code=_short(cell),
                codes=", ".join(codes) or "—",
            )
        if project.archived:
            raise self.refuse("data.import.archived_project", code=project.code)
        return project

    def amount(self, cell: str) -> int:
        if not cell:
            raise self.refuse("data.import.no_amount")
        found = parse_amount(cell)
        if found is None:
            raise self.refuse("data.import.bad_amount", cell=_short(cell))
        try:
            check_amount(self.ctx, found, cell)
        except UserError as err:
            raise _Refused(self.ctx.refusal(err)) from err
        if found.negative:
            raise self.refuse("data.import.negative", cell=_short(cell))
        if found.currency is not None and found.currency != self.ctx.room.currency:
            raise self.refuse(
                "data.import.currency", cell=_short(cell), currency=self.ctx.room.currency
            )
        if found.cents <= 0:
            raise self.refuse("data.import.zero_amount")
        return found.cents


def _short(text: str, most: int = 40) -> str:
    """A cell as shown in a refusal: one line, at most ``most`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"


# --------------------------------------------------------------------------- applying


def apply(ctx: Context, result: Plan) -> list[Row]:
    """Write the plan's new rows (in the caller's transaction) with an audit row each; returns
    them. Raises ``ValueError`` on a plan that refuses rows (nothing is half-imported)."""
    if not result.ok:
        raise ValueError("a plan with refused rows is not applied")
    written = [r for r in result.new]
    if result.kind == CONTRIBUTIONS:
        table_ = Contribution.__table__  # type: ignore[attr-defined]
        for row in written:
            assert row.day is not None
            values = {
                "room_id": ctx.room.id,
                "number": next_number(ctx.db, ctx.room.id, CONTRIBUTION),
                "user_id": row.user_id,
                "minutes": row.minutes,
                "day": row.day,
                "project_id": row.project.id if row.project else None,
                "description": row.description,
                "event_id": row.import_id,
                "created_by": ctx.sender,
                "created_at": ctx.now,
                "updated_at": ctx.now,
            }
            key = ctx.db.connection().execute(insert(table_), values).inserted_primary_key
            assert key is not None
            ctx.audit(
                "import",
                "contribution",
                int(key[0]),
                file=result.file_name,
                line=row.line,
                import_id=row.import_id,
                number=values["number"],
                user=row.user_id,
                minutes=row.minutes,
                day=row.day,
                project=row.project.code if row.project else None,
                description=row.description,
            )
    else:
        rnd = result.round
        assert rnd is not None and rnd.id is not None
        for row in written:
            allocation = Allocation(
                round_id=rnd.id,
                room_id=ctx.room.id,
                user_id=row.user_id,
                cents=row.cents,
                method="import",
                details={"file": result.file_name, "line": row.line},
                created_by=ctx.sender,
                event_id=row.import_id,
                created_at=ctx.now,
            )
            ctx.db.add(allocation)
            ctx.db.flush()
            ctx.audit(
                "allocate",
                "round",
                rnd.id,
                user=row.user_id,
                cents=row.cents,
                method="import",
                file=result.file_name,
                line=row.line,
                import_id=row.import_id,
            )
    return written


# --------------------------------------------------------------------------- the preview


def preview(ctx: Context, result: Plan, *, all_refusals: bool = False) -> Rich:
    """What importing would do, in the room's language (also the command line's output)."""
    parts: list[Rich | str] = [
        ctx.t(
            "data.import.title",
            kind=ctx.t(f"data.import.kind.{result.kind}"),
            file=result.file_name,
            format=ctx.t(
                "data.import.format.own"
                if result.own_export
                else "data.import.format.cobudget"
                if result.kind == ALLOCATIONS
                else "data.import.format.sheet"
            ),
            columns=", ".join(f"{k} = {v}" for k, v in result.columns.items()),
        )
    ]
    parts += result.problems
    new = result.new
    if new:
        if result.kind == CONTRIBUTIONS:
            minutes = sum(r.minutes for r in new)
            parts.append(
                ctx.t(
                    "data.import.would_contributions",
                    rows=len(new),
                    duration=ctx.duration(minutes),
                    people=len({r.user_id for r in new}),
                )
            )
            shown = [
                [
                    str(r.line),
                    ctx.date(r.day) if r.day else "",
                    ctx.name(r.user_id),
                    ctx.duration(r.minutes),
                    r.project.code if r.project else "",
                    _short(r.description, 30),
                ]
                for r in new[:SHOWN_ROWS]
            ]
            heads: tuple[str, ...] = (
                "line",
                "date",
                "person",
                "duration",
                "project",
                "description",
            )
            align = "llllll"
        else:
            parts.append(
                ctx.t(
                    "data.import.would_allocations",
                    rows=len(new),
                    total=ctx.money(sum(r.cents for r in new)),
                    title=result.round.title if result.round else "",
                )
            )
            shown = [
                [str(r.line), ctx.name(r.user_id), ctx.money(r.cents)] for r in new[:SHOWN_ROWS]
            ]
            heads = ("line", "person", "amount")
            align = "llr"
        parts.append(table([ctx.t(f"data.import.col.{h}") for h in heads], shown, align=align))
        if len(new) > SHOWN_ROWS:
            parts.append(ctx.t("data.import.more", more=len(new) - SHOWN_ROWS))
    already = len(result.rows) - len(new)
    if already:
        parts.append(ctx.t("data.import.already", rows=already))
    if result.refused:
        parts.append(ctx.t("data.import.refused_title", rows=len(result.refused)))
        limit = None if all_refusals else SHOWN_REFUSALS_CHAT
        for line, reason in result.refused[:limit]:
            parts.append(ctx.t("data.import.refused_row", line=line, reason=reason))
        if limit is not None and len(result.refused) > limit:
            parts.append(ctx.t("data.import.more_refused", more=len(result.refused) - limit))
    if result.unknown:
        parts.append(
            ctx.t(
                "data.import.unknown",
                people=", ".join(result.unknown[:30]),
                count=len(result.unknown),
            )
        )
    if not result.ok:
        parts.append(ctx.t("data.import.nothing"))
    elif not new:
        parts.append(ctx.t("data.import.nothing_new"))
    return lines(*parts)


# --------------------------------------------------------------------------- !importer


def register(reg: Registry) -> None:
    reg.command("importer", family=FAMILY, aliases=("import",), admin_only=True)(import_command)
    reg.on_pending(KIND_IMPORT, _apply_pending, _undo_pending)


def _attachment(ctx: Context) -> tuple[str, bytes]:
    event = ctx.event
    files = event.files if isinstance(event, Message) else ()
    p = ctx.settings.prefix
    if not files:
        raise UserError("data.import.no_file", prefix=p)
    if len(files) > 1:
        raise UserError("data.import.one_file", prefix=p)
    file = files[0]
    if file.data is None:
        raise UserError("data.import.file_too_big", prefix=p)
    return file.name, file.data


def import_command(ctx: Context, args: str) -> None:
    p = ctx.settings.prefix
    words = [fold(w) for w in args.split()]
    kind = None
    for word in words:
        if word not in KIND_WORDS:
            raise UserError("data.import.usage", prefix=p)
        kind = KIND_WORDS[word]
    name, data = _attachment(ctx)
    try:
        result = plan(ctx, data, file_name=name, kind=kind)
    except ImportFileError as err:
        raise UserError("data.import.unreadable", reason=str(err), prefix=p) from err
    text = preview(ctx, result)
    if not result.ok or not result.new:
        ctx.reply(text)
        return
    offer(
        ctx,
        KIND_IMPORT,
        {"file": name, "kind": result.kind, "data": decode(data)},
        lines(text, ctx.t("data.import.confirm", rows=len(result.new))),
        audited={"file": name, "kind": result.kind, "rows": len(result.new)},
    )


def _apply_pending(ctx: Context, action: PendingAction, target: BotMessage) -> None:
    payload = action.payload
    data = str(payload.get("data", "")).encode("utf-8")
    result = plan(ctx, data, file_name=str(payload.get("file")), kind=str(payload.get("kind")))
    if not result.ok:
        raise UserError("data.import.changed", prefix=ctx.settings.prefix)
    written = apply(ctx, result)
    action.payload = {**payload, "imported": [r.import_id for r in written]}
    ctx.reply(ctx.t("data.import.done", rows=len(written), skipped=len(result.rows) - len(written)))


def _undo_pending(ctx: Context, action: PendingAction) -> bool:
    """Removing the ✅ takes the import back: its contributions are deleted; its allocations
    too, if nobody spent them yet and the round is still open."""
    ids = [str(i) for i in (action.payload or {}).get("imported", [])]
    if not ids:
        return False
    kind = (action.payload or {}).get("kind")
    if kind == ALLOCATIONS:
        _undo_allocations(ctx, ids)
    else:
        for c in ctx.db.exec(select(Contribution).where(col(Contribution.event_id).in_(ids))).all():
            ctx.audit("delete", "contribution", c.id, number=c.number, import_id=c.event_id)
            ctx.db.delete(c)
        ctx.db.flush()
    action.payload = {k: v for k, v in action.payload.items() if k != "imported"}
    ctx.reply(ctx.t("data.import.undone", rows=len(ids)))
    return True


def _undo_allocations(ctx: Context, ids: list[str]) -> None:
    from commands.cobudget import balance

    rows = list(ctx.db.exec(select(Allocation).where(col(Allocation.event_id).in_(ids))).all())
    for a in rows:
        rnd = ctx.db.get(CobudgetRound, a.round_id)
        if rnd is None or rnd.state != ROUND_OPEN:
            raise UserError("data.import.undo_closed", prefix=ctx.settings.prefix)
    taken: dict[tuple[int, str], int] = {}
    for a in rows:
        taken[(a.round_id, a.user_id)] = taken.get((a.round_id, a.user_id), 0) + a.cents
    for (round_id, user), cents in taken.items():
        if balance(ctx.db, round_id, user) < cents:
            raise UserError(
                "data.import.undo_spent", who=ctx.name(user), prefix=ctx.settings.prefix
            )
    for a in rows:
        ctx.audit(
            "unallocate", "round", a.round_id, user=a.user_id, cents=a.cents, allocation_id=a.id
        )
        ctx.db.delete(a)
    ctx.db.flush()

"""Planning an import: every row read with the chat's grammar, refused with a reason or kept,
with its import id; nothing is written."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlmodel import col, select

from commands import grammar
from commands.core import Context, UserError, room_members
from commands.csvfile import FORMULA_STARTS, NEUTRALISED
from commands.grammar import fold, is_mention, match_date, parse_amount, parse_duration, tokenize
from commands.importing.fields import (
    ALLOCATIONS,
    CONTRIBUTIONS,
    IMPORT_PREFIX,
    MAX_ROWS,
    ImportFileError,
    Plan,
    Row,
)
from commands.importing.reading import (
    _person_key,
    _unneutralise,
    columns_of,
    decode,
    guess_kind,
    is_own_export,
    read_rows,
)
from commands.people import Candidate, match_person, room_candidates
from commands.refusals import check_amount
from storage.models import Allocation, CobudgetRound, Contribution, Project
from storage.models.cobudget import ROUND_OPEN


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

"""``!importer``: the preview in the room, applied on ✅, taken back when the ✅ is removed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from commands.args import Taken
from commands.core import Context, Registry, UserError
from commands.declare import Arg, Declared
from commands.events import Message
from commands.grammar import fold
from commands.importing.applying import apply, preview
from commands.importing.fields import ALLOCATIONS, FAMILY, KIND_IMPORT, KIND_WORDS, ImportFileError
from commands.importing.planning import plan
from commands.importing.reading import decode
from commands.pending import offer
from commands.render import lines
from storage.models import Allocation, BotMessage, CobudgetRound, Contribution, PendingAction
from storage.models.cobudget import ROUND_OPEN


def register(reg: Registry) -> None:
    IMPORT.register(reg)
    reg.on_pending(KIND_IMPORT, _apply_pending, _undo_pending)


@dataclass(frozen=True)
class ImportKind:
    """What the file holds: ``contributions`` or ``allocations`` (and their other words,
    ``KIND_WORDS``); of several such words in a row, the last."""

    placeholder: str = "import_kind"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        used = 0
        while start + used < len(tokens) and fold(tokens[start + used]) in KIND_WORDS:
            used += 1
        return (KIND_WORDS[fold(tokens[start + used - 1])], used) if used else None


IMPORT = Declared("importer", family=FAMILY, refusal="data.import.usage")


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


@IMPORT.sub("file", Arg("kind", ImportKind(), optional=True), path=(), admin=True)
def import_command(ctx: Context, kind: str | None) -> None:
    p = ctx.settings.prefix
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

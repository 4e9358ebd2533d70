"""The order in which a room's messages go out, and their deliveries recorded.

Senders take turns: the first message of each sender's queue (the sender of the event that
caused it), then the second of each, and so on; a sender who had nothing queued starts at the
turn being delivered, so one person's flood never holds up the others. A message is given its
lane and its turn once, when the delivery first sees it (``give_turns``); the next messages are
then read in (turn, id) order from an index (``PENDING``), however many wait (migration 0024).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, literal_column, null, or_, select
from sqlmodel import col, update

from storage.models import BotMessage, ChatEvent, RenderJob
from storage.prepared import Prepared


def _lane_query() -> Select[Any]:
    """The messages of a room still to deliver that have no turn yet, in order, each with its
    lane: the sender of the event that caused it or, for a message that acts on another one
    still queued (the edit of a card), that message's lane."""
    table = BotMessage.__table__  # type: ignore[attr-defined]
    target = table.alias("target")
    events = ChatEvent.__table__  # type: ignore[attr-defined]
    cause = events.alias("cause")
    target_cause = events.alias("target_cause")
    target_queued = and_(table.c.target_id.is_not(None), target.c.sent_at.is_(None))
    lane = case(
        (target_queued, func.coalesce(target.c.lane, target_cause.c.sender)),
        else_=cause.c.sender,
    )
    return (
        select(table.c.id, lane.label("lane"))
        .select_from(
            table.outerjoin(target, table.c.target_id == target.c.id)
            .outerjoin(cause, table.c.cause_event_id == cause.c.event_id)
            .outerjoin(target_cause, target.c.cause_event_id == target_cause.c.event_id)
        )
        .where(
            table.c.room_id == bindparam("room_id"),
            table.c.sent_at.is_(None),
            table.c.turn.is_(None),
        )
        .order_by(table.c.id)
    )


def _pending_query() -> Select[Any]:
    """The statement a room's next messages are read with (built once: building it costs more
    than running it): the first ``limit`` in their turns, each with what its delivery needs."""
    table = BotMessage.__table__  # type: ignore[attr-defined]
    target = table.alias("target")
    first = (
        select(table.c.id, table.c.turn)
        .where(table.c.room_id == bindparam("room_id"), table.c.sent_at.is_(None))
        .order_by(table.c.turn, table.c.id)
        .limit(bindparam("limit"))
        .subquery()
    )
    jobs = RenderJob.__table__  # type: ignore[attr-defined]
    # a message being rendered, or one that follows it among its event's answers (the edits and
    # answer of ``commands.deferred.defer_edits``). The few render jobs are read for each
    # message, each job's message by its key: never the other way round, which would read the
    # room's whole history for each message.
    held = table.alias("held")
    held_cause = (
        select(held.c.cause_event_id).where(held.c.id == jobs.c.message_id).scalar_subquery()
    )
    rendering = (
        select(jobs.c.message_id)
        .where(
            jobs.c.message_id <= table.c.id,
            or_(jobs.c.message_id == table.c.id, held_cause == table.c.cause_event_id),
        )
        .exists()
    )
    return (
        select(
            table,
            target.c.platform_id.label("target_pid"),
            target.c.sent_at.label("target_sent"),
            rendering.label("rendering"),
        )
        .select_from(
            first.join(table, table.c.id == first.c.id).outerjoin(
                target, table.c.target_id == target.c.id
            )
        )
        .order_by(first.c.turn, first.c.id)
    )


PENDING = _pending_query()
_WITHOUT_TURN = _lane_query()
_TABLE = BotMessage.__table__  # type: ignore[attr-defined]
# the last turn of each lane, and the first turn still to deliver
_LAST_TURNS = (
    select(_TABLE.c.lane, func.max(_TABLE.c.turn))
    .where(
        _TABLE.c.room_id == bindparam("room_id"),
        _TABLE.c.sent_at.is_(None),
        _TABLE.c.lane.in_(bindparam("lanes", expanding=True)),
    )
    .group_by(_TABLE.c.lane)
)
_FIRST_TURN = select(func.min(_TABLE.c.turn)).where(
    _TABLE.c.room_id == bindparam("room_id"), _TABLE.c.sent_at.is_(None)
)
_GIVE_TURN = Prepared(
    update(BotMessage)
    .where(col(BotMessage.id) == bindparam("message_id"))
    .values(lane=bindparam("lane"), turn=bindparam("turn")),
    ("message_id", "lane", "turn"),
)


def give_turns(conn: Any, room_id: str, last: dict[str, int]) -> None:
    """Give the room's new messages to deliver their lane and their turn (the delivery does,
    before each read of the room's next messages).

    Turns are taken as in a fair queue: a lane's next message takes the turn after the lane's
    last one, and a lane with nothing queued starts at the turn now being delivered (the first
    one still queued), so that a newcomer waits behind one message of each sender at most,
    never behind a flood. Messages are read in (turn, id) order.

    ``last``: the room's lanes' last turns as this process gave them (lanes it does not know
    are read), forgotten whenever nothing with a turn is left to deliver. A lane whose messages
    are all out may keep its last turn there meanwhile: no higher than the first turn still
    queued, it delays a newcomer by one turn at most."""
    new = [(mid, lane or "") for mid, lane in conn.execute(_WITHOUT_TURN, {"room_id": room_id})]
    if not new:
        return
    first = conn.execute(_FIRST_TURN, {"room_id": room_id}).scalar()
    if first is None:
        # nothing queued has a turn: every lane starts afresh (a lane's old turn, kept from a
        # flood now delivered, would put it behind everyone)
        last.clear()
        now = 0
    else:
        now = first - 1  # the turn being delivered
        unknown = sorted({lane for _, lane in new} - last.keys())
        if unknown:
            for lane, turn in conn.execute(_LAST_TURNS, {"room_id": room_id, "lanes": unknown}):
                if turn is not None:
                    last[lane] = turn
    given: list[dict[str, Any]] = []
    for mid, lane in new:
        turn = max(last.get(lane, now), now) + 1
        last[lane] = turn
        given.append({"message_id": mid, "lane": lane, "turn": turn})
    _GIVE_TURN.execute_many(conn, given)


# a delivery recorded (the hot path of every answer: compiled once, ``storage.prepared``); a
# message sent keeps no lane (who caused it is told by its event)
MARK = Prepared(
    update(BotMessage)
    .where(col(BotMessage.id) == bindparam("message_id"))
    .values(
        sent_at=bindparam("now", type_=BotMessage.__table__.c.sent_at.type),  # type: ignore[attr-defined]
        platform_id=bindparam("pid"),
        attempts=BotMessage.attempts + literal_column("1"),
        lane=null(),
    ),
    ("message_id", "pid", "now"),
)

__all__ = ["MARK", "PENDING", "give_turns"]

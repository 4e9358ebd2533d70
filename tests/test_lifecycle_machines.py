"""Each record's life as a state machine, tested against a simple reference model.

Hypothesis drives a room through the dispatcher: people (two admins, two members) send commands,
edit them (into another command or into plain text), delete them, react to the bot's cards and
take reactions back, while the clock moves and the timed jobs run. One machine per family
(cobudget, contributive budget, contributions, a room's settings, projects and schedules) and
one with every family in the same room.

After every step:

- the ledger's invariants hold (``tests/ledger.py``), and no event raised;
- a refused event changed nothing, and the model says whether each action must be accepted or
  refused from the rules alone (closed is frozen, deadlines bind, an edit keeps its command and
  its scope, who may undo what); it keeps the balances, what each bucket holds, each request and
  each contribution, and the database must say the same;
- undoing the latest change (deleting its message, taking its reaction back, editing the
  message into text) gives back the ledger before it, row for row;
- nothing is keyed by an edit's id; every deletion of a message that changed something is
  answered; nothing in a closed round or envelope changes, nor in a round past its deadline
  (but for its close).

In CI the search is derandomized with a fixed number of examples (``EXAMPLES`` per machine, of
``STEPS`` steps); ``./dev fuzz`` runs it longer and at random (``CAGNOTTE_LIFE_EXAMPLES``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import Session, col, select

from storage.db import make_engine, sqlite_url
from storage.models import (
    Allocation,
    BotMessage,
    Bucket,
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetQuestion,
    BudgetRequest,
    BudgetShare,
    BudgetValidation,
    CobudgetRound,
    Contribution,
    Funding,
    RecapSchedule,
)
from storage.models import Project as ProjectRow
from storage.models import Room as RoomRow
from storage.models.cobudget import holding
from tests.invariants import violations
from tests.lifecycle_room import Room, Sent, changed, ledger

LONG_RUN = int(os.environ.get("CAGNOTTE_LIFE_EXAMPLES", "0") or 0)
EXAMPLES = LONG_RUN or 10  # per machine, in CI (derandomized)
STEPS = 40 if LONG_RUN else 25
MACHINE = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    derandomize=not LONG_RUN,
    deadline=None,
    database=None if not LONG_RUN else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    phases=[Phase.explicit, Phase.reuse, Phase.generate]
    + ([] if os.environ.get("CAGNOTTE_LIFE_NO_SHRINK") else [Phase.shrink]),
)

ADMINS = ("@root", "@ana")
MEMBERS = ("@bob", "@cid")
PEOPLE = ADMINS + MEMBERS
PARIS = ZoneInfo("Europe/Paris")
INTERNAL_ERROR = ("⚠️ Une erreur interne", "⚠️ An internal error")
people = st.sampled_from(PEOPLE)


def money(text: str) -> int:
    """``1 012,50 €`` -> 101250."""
    digits = re.sub(r"[^\d,]", "", text)
    whole, _, cents = digits.partition(",")
    return int(whole) * 100 + int((cents or "0")[:2].ljust(2, "0"))


def rows(items: Any) -> list[tuple[Any, ...]]:
    # by their text: two rows may differ first by a column that is None in one of them
    return sorted((tuple(item.model_dump().items()) for item in items), key=repr)


@dataclass
class Msg:
    """A message a person sent, as the model knows it."""

    sender: str
    kind: str
    params: dict[str, Any]
    ran: bool = False  # it ran as a command once: an edit re-runs it only if it is editable
    changed: bool = False  # it changed the ledger once: its deletion is answered
    live: bool = False  # what it did is in place (not undone)
    made: Any = None  # what it made or acted on (a bucket number, a request number...)


class Machine(RuleBasedStateMachine):
    """A room; what every step is checked for; the rules every family shares (edits, deletions,
    the clock, the timed jobs). A family adds its commands, its model and its checks, and passes
    what it does not know on to the next family (``super()``)."""

    template: ClassVar[Path]

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="life-"))
        shutil.copy(self.template, self.tmp / "room.db")
        self.engine = make_engine(sqlite_url(self.tmp / "room.db"))
        self.room = Room(self.engine)
        self.room.admins = set(ADMINS)
        self.msgs: dict[str, Msg] = {}
        self.history: list[tuple[str, dict[str, Any]]] = []  # (source, the ledger before)
        self.unknown: set[str] = set()  # sources whose first change is no longer in the history
        self.frozen: dict[str, Any] = {}  # what may no longer change, as it was
        self.retake: set[str] = set()  # frozen parts that a close just changed
        self.count = 0
        # the room: its members, a project, hours in October and November
        for who in PEOPLE:
            self.room.say(who, "!contribs")
        self.room.say("@root", "!projet ajouter KPA")
        for who in PEOPLE:
            self.room.say(who, "!contrib 2h 12/10/2026 #KPA atelier")
            self.room.say(who, "!contrib 3h 12/11/2026 #KPA atelier")

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- what a family tells (each passes what it does not know to ``super()``) -----------------
    def render(self, kind: str, p: dict[str, Any]) -> str:
        raise NotImplementedError(kind)

    def draw_params(self, data: st.DataObject, kind: str) -> dict[str, Any]:
        raise NotImplementedError(kind)

    def predict(self, msg: Msg, source: str) -> bool | None:
        """Whether running ``msg`` (as a new command keyed by ``source``) must be accepted."""
        return None

    def apply(self, msg: Msg, source: str, sent: Sent) -> None:
        """The model once ``msg`` was accepted."""

    def predict_edit(self, msg: Msg, edited: Msg, source: str) -> bool | None:
        """Whether an edit of ``msg``, a command that ran, into ``edited`` must be accepted: only
        editable commands are, within their scope."""
        return False

    def apply_edit(self, msg: Msg, edited: Msg, source: str, sent: Sent) -> None:
        raise AssertionError(f"{msg.kind} is not editable")

    def predict_undo(self, msg: Msg, source: str, remover: str) -> bool | None:
        return None

    def apply_undo(self, msg: Msg, source: str, by: str) -> None:
        pass

    def tick_model(self) -> set[str]:
        """What the timed jobs must close now (frozen parts' names)."""
        return set()

    def frozen_parts(self) -> dict[str, Callable[[Session], Any]]:
        """What may no longer change (a closed or ended round, a closed envelope), by name."""
        return {}

    def check_model(self) -> None:
        pass

    # -- steps -----------------------------------------------------------------------------------
    def run(
        self, event: Callable[[], Sent], source: str | None, expect: bool | None
    ) -> tuple[Sent, bool]:
        """One event, and what every event is checked for: (what was said, ledger changed).
        ``source``: what the change is keyed by (``"="``: the event's own id)."""
        before = ledger(self.engine)
        sent = event()
        after = ledger(self.engine)
        assert not any(text.startswith(INTERNAL_ERROR) for text in sent.texts), sent.texts
        outcome = self.room.outcome(sent.event_id)
        assert outcome != "crash", sent.texts
        moved = after != before
        if outcome == "error":
            assert not moved, changed(before, after)
        if expect is True:
            assert moved, ("the rules accept it, but nothing changed", sent.texts)
        if expect is False:
            assert not moved, (
                "the rules refuse it, but it changed",
                changed(before, after),
                sent.texts,
            )
        if moved and source is not None:
            self.history.append((sent.event_id if source == "=" else source, before))
        return sent, moved

    def command(self, who: str, kind: str, params: dict[str, Any]) -> str:
        self.count += 1
        source = f"$s{self.count}"
        msg = Msg(who, kind, params)
        self.msgs[source] = msg
        body = self.render(kind, params)
        expect = False if params.get("typo") else self.predict(msg, source)
        event = self.room._message(source, who, body)
        sent, _ = self.run(lambda: Sent(source, self.room.handle(event)), source, expect)
        msg.ran = self.accepted(source)
        if msg.ran:
            msg.changed = msg.live = True
            self.apply(msg, source, sent)
        return source

    def accepted(self, event_id: str) -> bool:
        return self.room.outcome(event_id) not in ("error", "ignored", "forged", None)

    def undo_message(self, source: str, remover: str, how: str) -> Sent:
        msg = self.msgs[source]
        allowed = remover in ADMINS or remover == msg.sender
        expect = self.predict_undo(msg, source, remover) if allowed and msg.live else False
        if how == "edit":
            event = lambda: self.room.edit(remover, source, "oups, rien")  # noqa: E731
        else:
            event = lambda: self.room.remove(remover, source)  # noqa: E731
        before = ledger(self.engine)
        sent, moved = self.run(event, None, expect)
        if moved:
            self.check_exact(source, before)
            msg.live = False
            self.apply_undo(msg, source, sent.event_id)
        if allowed and msg.changed and source.startswith("$s"):
            # (a reaction that no longer counts is taken back in silence)
            assert sent.texts, "undoing what changed something is answered (done, or why not)"
        return sent

    def check_exact(self, source: str, before: dict[str, Any]) -> None:
        """Undoing the latest changes gives back the ledger before them, row for row."""
        mine = [i for i, (s, _) in enumerate(self.history) if s == source]
        if source not in self.unknown and mine and mine == list(range(mine[0], len(self.history))):
            expected = self.history[mine[0]][1]
            after = ledger(self.engine)
            assert after == expected, changed(expected, after)
            del self.history[mine[0] :]
        else:
            # an earlier action was undone, or this one began before what is known: the
            # snapshots kept no longer describe what an undo gives back
            self.unknown |= {s for s, _ in self.history} | {source}
            self.history.clear()

    # -- the rules every family shares ----------------------------------------------------------
    @rule(hours=st.sampled_from([1, 5, 11, 23, 30, 49]))
    def the_clock_moves(self, hours: int) -> None:
        self.room.now += dt.timedelta(hours=hours)

    @rule()
    def the_timed_jobs_run(self) -> None:
        closes = self.tick_model()
        before = ledger(self.engine)
        self.room.tick()
        after = ledger(self.engine)
        assert (after != before) == bool(closes), changed(before, after)
        if closes:
            self.history.append(("tick", before))
            self.retake |= closes

    @rule(data=st.data())
    def someone_edits_a_message(self, data: st.DataObject) -> None:
        if not self.msgs:
            return
        source = data.draw(st.sampled_from(sorted(self.msgs)), label="message")
        msg = self.msgs[source]
        if data.draw(st.integers(0, 2), label="into text") == 0:
            self.undo_message(source, msg.sender, "edit")
            return
        params = self.draw_params(data, msg.kind)
        edited = Msg(msg.sender, msg.kind, params, made=msg.made)
        if params.get("typo"):
            expect: bool | None = False
        elif msg.ran:
            expect = self.predict_edit(msg, edited, source)
        else:
            expect = self.predict(edited, source)
        body = self.render(msg.kind, params)
        sent, _ = self.run(lambda: self.room.edit(msg.sender, source, body), source, expect)
        if not self.accepted(sent.event_id):
            return
        if msg.ran:
            self.apply_edit(msg, edited, source, sent)
            msg.changed = msg.live = True
            return
        # a command that failed, edited into one that runs: an ordinary command from now on
        edited.ran = edited.changed = edited.live = True
        self.msgs[source] = edited
        self.apply(edited, source, sent)

    @rule(data=st.data(), remover=people)
    def someone_deletes_a_message(self, data: st.DataObject, remover: str) -> None:
        if not self.msgs:
            return
        source = data.draw(st.sampled_from(sorted(self.msgs)), label="message")
        self.undo_message(source, remover, "remove")

    # -- checks after every step ------------------------------------------------------------------
    @invariant()
    def the_ledger_holds(self) -> None:
        assert violations(self.engine) == []

    @invariant()
    def nothing_is_keyed_by_an_edit(self) -> None:
        for table, found in ledger(self.engine).items():
            for row in found:
                assert not any(isinstance(v, str) and v.startswith("$e") for v in row), (table, row)

    @invariant()
    def what_is_frozen_stays(self) -> None:
        parts = self.frozen_parts()
        with Session(self.engine) as db:
            for name, read in parts.items():
                now = read(db)
                if name in self.frozen and name not in self.retake:
                    assert now == self.frozen[name], (name, self.frozen[name], now)
                self.frozen[name] = now
        self.retake.clear()

    @invariant()
    def the_database_says_what_the_model_says(self) -> None:
        self.check_model()

    def today(self) -> dt.date:
        return self.room.now.astimezone(PARIS).date()


# =========================================================================== cobudget


@dataclass
class MRound:
    number: int
    status: str
    deadline: dt.date | None
    pot: int
    allocations: int = 0
    buckets: int = 0


@dataclass
class MBucket:
    number: int
    round: int
    author: str
    min: int
    max: int
    status: str = "open"
    fundings: int = 0  # rows: active or given back


@dataclass
class MFunding:
    bucket: int
    who: str
    cents: int
    status: str = "active"
    ended_by: str | None = None


REACTIONS = {"💶": 500, "💰": 2000}
COBUDGET = ("open", "close", "allocate", "propose", "fund", "cancel", "complete")


class CobudgetRules(Machine):
    """Rounds, allocations, buckets, fundings by command and by reaction."""

    reactions = Bundle("reactions")

    def __init__(self) -> None:
        super().__init__()
        self.rounds: dict[int, MRound] = {}
        self.buckets: dict[int, MBucket] = {}
        self.fundings: dict[str, MFunding] = {}  # by source: a message or a reaction
        self.allocs: dict[str, tuple[int, dict[str, int]]] = {}
        self.reacted: dict[str, str] = {}  # reaction id -> who
        self.next_round = self.next_bucket = 1

    # -- the model ----------------------------------------------------------------------------------
    def open_round(self) -> MRound | None:
        return next((r for r in self.rounds.values() if r.status == "open"), None)

    def ended(self, r: MRound) -> bool:
        return r.deadline is not None and self.today() > r.deadline

    def live_round(self, r: MRound | None) -> bool:
        return r is not None and r.status == "open" and not self.ended(r)

    def given(self, rnd: int, who: str | None = None) -> int:
        return sum(
            c
            for r, shares in self.allocs.values()
            if r == rnd
            for w, c in shares.items()
            if who in (None, w)
        )

    def balance(self, rnd: int, who: str) -> int:
        used = sum(
            f.cents
            for f in self.fundings.values()
            if f.who == who and f.status == "active" and self.buckets[f.bucket].round == rnd
        )
        return self.given(rnd, who) - used

    def held(self, n: int) -> int:
        return sum(
            f.cents for f in self.fundings.values() if f.bucket == n and f.status == "active"
        )

    def restate(self, b: MBucket) -> None:
        if b.status == "open" and self.held(b.number) >= b.min:
            b.status = "funded"
        elif b.status == "funded" and self.held(b.number) < b.min:
            b.status = "open"

    def may_fund(self, who: str, n: int, cents: int) -> bool:
        b = self.buckets.get(n)
        if b is None:
            return False
        rnd = b.round
        return (
            self.live_round(self.rounds[rnd])
            and b.status in ("open", "funded")
            and self.held(n) + cents <= b.max
            and self.given(rnd, who) > 0
            and self.balance(rnd, who) >= cents
        )

    def may_withdraw(self, source: str) -> bool:
        f = self.fundings.get(source)
        if f is None or f.status != "active":
            return False
        b = self.buckets[f.bucket]
        return self.live_round(self.rounds[b.round]) and b.status != "completed"

    def predict(self, msg: Msg, source: str) -> bool | None:
        if msg.kind not in COBUDGET:
            return super().predict(msg, source)
        p, who, admin = msg.params, msg.sender, msg.sender in ADMINS
        current = self.open_round()
        if msg.kind == "open":
            return admin and current is None
        if msg.kind == "close":
            return admin and current is not None
        if msg.kind == "allocate":
            if not admin or current is None or not self.live_round(current):
                return False
            return p["cents"] * len(p["to"]) <= current.pot - self.given(current.number)
        if msg.kind == "propose":
            return self.live_round(current)
        if msg.kind == "fund":
            return self.may_fund(who, p["n"], p["cents"])
        b = self.buckets.get(p["n"])
        if b is None or not (admin or who == b.author) or not self.live_round(self.rounds[b.round]):
            return False
        return b.status in ("open", "funded") if msg.kind == "cancel" else b.status == "funded"

    def apply(self, msg: Msg, source: str, sent: Sent) -> None:
        if msg.kind not in COBUDGET:
            return super().apply(msg, source, sent)
        p = msg.params
        if msg.kind == "open":
            self.rounds[self.next_round] = MRound(self.next_round, "open", p["deadline"], p["pot"])
            msg.made = self.next_round
            self.next_round += 1
        elif msg.kind == "close":
            r = self.open_round()
            assert r is not None
            self.close(r, source)
        elif msg.kind == "allocate":
            r = self.open_round()
            assert r is not None
            self.allocs[source] = (r.number, {who: p["cents"] for who in p["to"]})
            r.allocations += len(p["to"])
        elif msg.kind == "propose":
            r = self.open_round()
            assert r is not None
            self.buckets[self.next_bucket] = MBucket(
                self.next_bucket, r.number, msg.sender, p["min"], p["max"]
            )
            msg.made = self.next_bucket
            self.next_bucket += 1
            r.buckets += 1
        elif msg.kind == "fund":
            self.funded(source, msg.sender, p["n"], p["cents"])
            said = re.search(r"Ton solde : ([^€]+)€", sent.text)
            assert said, sent.texts
            rnd = self.buckets[p["n"]].round
            assert money(said.group(1)) == self.balance(rnd, msg.sender), (
                sent.texts,
                self.balance(rnd, msg.sender),
            )
        elif msg.kind == "cancel":
            b = self.buckets[p["n"]]
            for f in self.fundings.values():
                if f.bucket == b.number and f.status == "active":
                    f.status, f.ended_by = "refunded", source
            b.status = "cancelled"
        else:  # complete
            self.buckets[p["n"]].status = "completed"

    def funded(self, source: str, who: str, n: int, cents: int) -> None:
        self.fundings[source] = MFunding(n, who, cents)
        b = self.buckets[n]
        b.fundings += 1
        self.restate(b)

    def withdrawn(self, source: str) -> None:
        f = self.fundings.pop(source)
        b = self.buckets[f.bucket]
        b.fundings -= 1
        self.restate(b)

    def close(self, r: MRound, source: str) -> None:
        for b in self.buckets.values():
            if b.round == r.number and b.status == "open":
                for f in self.fundings.values():
                    if f.bucket == b.number and f.status == "active":
                        f.status, f.ended_by = "refunded", source
                b.status = "refunded"
        r.status = "closed"
        self.retake.add(f"round {r.number}")

    def tick_model(self) -> set[str]:
        closes = super().tick_model()
        r = self.open_round()
        if r is not None and self.ended(r):
            self.close(r, f"deadline:round:{r.number}")
            closes.add(f"round {r.number}")
        return closes

    def predict_edit(self, msg: Msg, edited: Msg, source: str) -> bool | None:
        if msg.kind not in COBUDGET:
            return super().predict_edit(msg, edited, source)
        return False  # no cobudget command is corrected by an edit

    def predict_undo(self, msg: Msg, source: str, remover: str) -> bool | None:
        if msg.kind not in COBUDGET:
            return super().predict_undo(msg, source, remover)
        p = msg.params
        if msg.kind == "fund":
            return self.may_withdraw(source)
        if msg.kind == "open":
            r = self.rounds.get(msg.made)
            return (
                r is not None
                and remover in ADMINS
                and self.live_round(r)
                and not r.allocations
                and not r.buckets
            )
        if msg.kind == "close":
            return False
        if msg.kind == "allocate":
            alloc = self.allocs.get(source)
            if alloc is None or remover not in ADMINS or not self.live_round(self.rounds[alloc[0]]):
                return False
            return all(self.balance(alloc[0], who) >= c for who, c in alloc[1].items())
        b = self.buckets.get(msg.made if msg.kind == "propose" else p["n"])
        if b is None or not self.live_round(self.rounds[b.round]):
            return False
        if msg.kind == "propose":
            return b.status == "open" and b.fundings == 0
        if msg.kind == "complete":
            return b.status == "completed"
        if b.status != "cancelled":  # cancel
            return False
        back: dict[str, int] = {}
        for f in self.fundings.values():
            if f.ended_by == source:
                back[f.who] = back.get(f.who, 0) + f.cents
        return all(self.balance(b.round, who) >= cents for who, cents in back.items())

    def apply_undo(self, msg: Msg, source: str, by: str) -> None:
        if msg.kind not in COBUDGET:
            return super().apply_undo(msg, source, by)
        p = msg.params
        if msg.kind == "fund":
            self.withdrawn(source)
        elif msg.kind == "propose":
            b = self.buckets.pop(msg.made)
            self.rounds[b.round].buckets -= 1
        elif msg.kind == "allocate":
            rnd, shares = self.allocs.pop(source)
            self.rounds[rnd].allocations -= len(shares)
        elif msg.kind == "open":
            del self.rounds[msg.made]
        elif msg.kind == "complete":
            self.buckets[p["n"]].status = "funded"
        elif msg.kind == "cancel":
            b = self.buckets[p["n"]]
            for f in self.fundings.values():
                if f.ended_by == source:
                    f.status, f.ended_by = "active", None
            b.status = "open"
            self.restate(b)

    def check_model(self) -> None:
        super().check_model()
        with Session(self.engine) as db:
            numbers = {r.id: r.number for r in db.exec(select(CobudgetRound)).all()}
            assert {r.number: r.state for r in db.exec(select(CobudgetRound)).all()} == {
                n: r.status for n, r in self.rounds.items()
            }
            buckets = {b.id: b for b in db.exec(select(Bucket)).all()}
            assert {b.number: b.state for b in buckets.values()} == {
                n: b.status for n, b in self.buckets.items()
            }
            held: dict[int, int] = {}
            for f in db.exec(select(Funding).where(holding())).all():
                n = buckets[f.bucket_id].number
                held[n] = held.get(n, 0) + f.cents
            given: dict[tuple[int, str], int] = {}
            for a in db.exec(select(Allocation)).all():
                key = (numbers[a.round_id], a.user_id)
                given[key] = given.get(key, 0) + a.cents
        assert held == {n: self.held(n) for n in self.buckets if self.held(n)}
        expected: dict[tuple[int, str], int] = {}
        for rnd, shares in self.allocs.values():
            for who, cents in shares.items():
                expected[(rnd, who)] = expected.get((rnd, who), 0) + cents
        assert given == expected

    def frozen_parts(self) -> dict[str, Callable[[Session], Any]]:
        parts = super().frozen_parts()
        for r in self.rounds.values():
            if not self.live_round(r):
                parts[f"round {r.number}"] = lambda db, n=r.number: _round_rows(db, n)
        return parts

    # -- the commands -------------------------------------------------------------------------------
    def render(self, kind: str, p: dict[str, Any]) -> str:
        if kind not in COBUDGET:
            return super().render(kind, p)
        eur = "5O€" if p.get("typo") else f"{p.get('cents', 0) // 100}€"
        if kind == "open":
            until = f" jusqu'au {p['deadline']:%d/%m/%Y}" if p["deadline"] else ""
            return f"!tour ouvrir T{p['pot'] // 100} {p['pot'] // 100}€{until}"
        if kind == "close":
            return "!tour fermer"
        if kind == "allocate":
            return f"!allouer {' '.join(p['to'])} {eur}"
        if kind == "propose":
            return f"!bucket B{p['min'] // 100} {p['min'] // 100}€ max {p['max'] // 100}€"
        if kind == "fund":
            return f"!financer {p['n']} {eur}"
        return f"!bucket {p['n']} {'annuler' if kind == 'cancel' else 'terminé'}"

    def draw_params(self, data: st.DataObject, kind: str) -> dict[str, Any]:
        if kind not in COBUDGET:
            return super().draw_params(data, kind)
        draw = data.draw
        known = sorted(self.buckets) or [1]
        bucket = st.one_of(
            st.sampled_from(known), st.sampled_from(known), st.integers(1, self.next_bucket)
        )
        if kind == "open":
            days = draw(st.sampled_from([None, 0, 1, 3]), label="deadline in days")
            deadline = None if days is None else self.today() + dt.timedelta(days=days)
            return {
                "pot": draw(st.sampled_from([5000, 12000, 30000]), label="pot"),
                "deadline": deadline,
            }
        if kind == "allocate":
            to = draw(st.lists(people, min_size=1, max_size=2, unique=True), label="to")
            return {
                "to": to,
                "cents": draw(st.integers(1, 60), label="euros") * 100,
                "typo": draw(st.integers(0, 3), label="typo") == 0,
            }
        if kind == "propose":
            low = draw(st.integers(1, 40), label="min") * 100
            return {"min": low, "max": low + draw(st.sampled_from([0, 1000, 3000]), label="more")}
        if kind == "fund":
            return {
                "n": draw(bucket, label="bucket"),
                "cents": draw(st.integers(1, 30), label="euros") * 100,
                "typo": draw(st.integers(0, 3), label="typo") == 0,
            }
        if kind in ("cancel", "complete"):
            return {"n": draw(bucket, label="bucket")}
        return {}

    @initialize(days=st.sampled_from([None, 0, 2]), buckets=st.integers(0, 3))
    def a_round_is_under_way(self, days: int | None, buckets: int) -> None:
        """A round of 300 € (until in ``days``), 60 € for everyone, a few buckets."""
        deadline = None if days is None else self.today() + dt.timedelta(days=days)
        self.command("@root", "open", {"pot": 30000, "deadline": deadline})
        self.command("@root", "allocate", {"to": list(PEOPLE), "cents": 6000})
        for i in range(buckets):
            low = (10 + 15 * i) * 100
            self.command(PEOPLE[i], "propose", {"min": low, "max": low + 1000 * i})
        if buckets:
            self.command("@cid", "fund", {"n": 1, "cents": 1000})  # the first one is funded

    @rule(
        who=people,
        data=st.data(),
        kind=st.sampled_from(["open", "close", "allocate", "allocate", "propose", "propose", "fund", "fund", "cancel", "complete"]),
    )  # fmt: skip
    def cobudget_command(self, who: str, data: st.DataObject, kind: str) -> None:
        if kind in ("open", "close", "allocate") and data.draw(st.integers(0, 3), label="an admin"):
            who = ADMINS[0]
        self.command(who, kind, self.draw_params(data, kind))

    @rule(target=reactions, who=people, data=st.data(), key=st.sampled_from(sorted(REACTIONS)))
    def someone_reacts_to_a_card(self, who: str, data: st.DataObject, key: str) -> str:
        n = data.draw(st.sampled_from(sorted(self.buckets) or [1]), label="bucket")
        with Session(self.engine) as db:
            b = db.exec(select(Bucket).where(Bucket.number == n)).first()
            card = db.get(BotMessage, b.card_message_id) if b and b.card_message_id else None
        if card is None or card.platform_id is None:
            return ""
        target, cents = card.platform_id, REACTIONS[key]
        sent, moved = self.run(
            lambda: self.room.react(who, target, key), "=", self.may_fund(who, n, cents)
        )
        if not moved:
            return ""
        self.funded(sent.event_id, who, n, cents)
        self.reacted[sent.event_id] = who
        return sent.event_id

    @rule(reaction=consumes(reactions))
    def someone_takes_a_reaction_back(self, reaction: str) -> None:
        if reaction not in self.reacted:
            return
        who = self.reacted.pop(reaction)
        before = ledger(self.engine)
        _, moved = self.run(
            lambda: self.room.remove(who, reaction), None, self.may_withdraw(reaction)
        )
        if moved:
            self.check_exact(reaction, before)
            self.withdrawn(reaction)


def _round_rows(db: Session, number: int) -> Any:
    rnd = db.exec(select(CobudgetRound).where(CobudgetRound.number == number)).first()
    if rnd is None:
        return None
    return (
        rows([rnd]),
        rows(db.exec(select(Bucket).where(Bucket.round_id == rnd.id)).all()),
        rows(db.exec(select(Funding).where(Funding.round_id == rnd.id)).all()),
        rows(db.exec(select(Allocation).where(Allocation.round_id == rnd.id)).all()),
    )


# =========================================================================== contributive budget

PERIODS = ("10/2026", "11/2026")
BUDGET = (
    "envelope",
    "request",
    "withdraw",
    "validate",
    "question",
    "agree",
    "prorata",
    "settle",
    "give",
    "consent",
    "lift",
    "close_objection",
)
GIFTS = ("10%", "50%", "tout", "rien", "5€", "30€")


@dataclass
class MEnvelope:
    period: str
    amount: int
    status: str = "open"
    requests: int = 0  # made in it, active or withdrawn
    mode: str = "libre"  # or "proportionnel" (shares by hours; give-backs, no requests)
    gifts: int = 0  # give-backs in it
    consent: int | None = None  # lazy consensus: days of silence that validate a request
    told: dt.date | None = None  # the latest day the timed job validated some of its requests


@dataclass
class MRequest:
    number: int
    period: str
    who: str
    amount: int
    granted: int | None = None
    status: str = "active"
    validations: dict[str, str] = field(default_factory=dict)  # who -> source
    questions: dict[str, str] = field(default_factory=dict)  # source -> who
    touched: str = ""  # the last event that changed it
    updated_by: set[str] = field(default_factory=set)  # other messages whose update holds
    since: dt.datetime | None = None  # when its consent delay started (made, amount changed)
    closed: dict[str, str] = field(default_factory=dict)  # question source -> lift/settle source


class BudgetRules(Machine):
    """Envelopes (rétribution libre, one validation enough; or proportional to the hours),
    requests, validations, questions, agreed amounts, the pro rata, give-backs and the close."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: dict[str, MEnvelope] = {}
        self.requests: dict[int, MRequest] = {}
        self.agreed: dict[str, tuple[int, int | None, int, bool]] = {}  # (n, before, after, vote)
        self.scaled: dict[str, dict[int, tuple[int | None, int]]] = {}  # n -> (before, after)
        # the pro rata applied in a period (its message), followed on every change of a request
        # until undone or an amount is agreed by hand; what each one stopped or replaced
        self.landed: dict[str, str] = {}
        self.was: dict[str, str | None] = {}  # source of a prorata or an agreement -> landing
        self.updates: dict[str, tuple[int, int, int | None, dict[str, str]]] = {}
        self.gifts: dict[str, tuple[str, str]] = {}  # source -> (period, who)
        self.consents: dict[str, tuple[str, int | None, int | None]] = {}  # (period, before, after)
        self.consents_undone: set[str] = set()
        self.next_request = 1

    # -- the model ----------------------------------------------------------------------------------
    def validated(self, r: MRequest) -> bool:
        return bool(r.validations)  # one validation is enough here (and an admin's always is)

    def active(self, period: str, who: str | None = None) -> list[MRequest]:
        return [
            r
            for r in self.requests.values()
            if r.period == period and r.status == "active" and who in (None, r.who)
        ]

    def open_envelope(self, period: str) -> MEnvelope | None:
        env = self.envelopes.get(period)
        return env if env is not None and env.status == "open" else None

    def libre(self, period: str) -> bool:
        env = self.open_envelope(period)
        return env is not None and env.mode == "libre"

    def request_open(self, n: int) -> MRequest | None:
        r = self.requests.get(n)
        if r is None or r.status != "active" or self.open_envelope(r.period) is None:
            return None
        return r

    def predict(self, msg: Msg, source: str) -> bool | None:
        if msg.kind not in BUDGET:
            return super().predict(msg, source)
        p, who, admin = msg.params, msg.sender, msg.sender in ADMINS
        if msg.kind == "envelope":
            return admin and p["period"] not in self.envelopes and self.hours_in(p["period"])
        if msg.kind == "request":
            if not self.libre(p["period"]):
                return False
            mine = self.active(p["period"], who)
            return None if mine and self.same(mine[0], p["cents"]) else True
        if msg.kind == "withdraw":
            return self.libre(p["period"]) and bool(self.active(p["period"], who))
        if msg.kind == "give":
            env = self.open_envelope(p["period"])
            return env is not None and env.mode != "libre" and self.hours_in(p["period"], who)
        if msg.kind in ("prorata", "settle"):
            env = self.open_envelope(p["period"])
            if not admin or env is None:
                return False
            if env.mode != "libre":  # shares by hours: closed if anyone has some
                return msg.kind == "settle" and self.hours_in(p["period"])
            valid = [r for r in self.active(p["period"]) if self.validated(r)]
            if msg.kind == "prorata":
                return sum(r.amount for r in valid) > env.amount
            paid = sum(r.granted if r.granted is not None else r.amount for r in valid)
            return bool(valid) and paid <= env.amount
        if msg.kind == "consent":
            env = self.open_envelope(p["period"])
            if not admin or env is None or env.mode != "libre":
                return False
            return None if env.consent == p["days"] else True
        r = self.request_open(p["n"])
        if r is None:
            return False
        if msg.kind == "validate":
            return who != r.who and who not in r.validations
        if msg.kind == "question":
            return True
        if msg.kind == "lift":
            return bool(self.open_questions(r, who))
        if msg.kind == "close_objection":
            return admin and bool(self.open_questions(r))
        return admin  # agree

    def open_questions(self, r: MRequest, who: str | None = None) -> list[str]:
        """The sources of ``r``'s open questions: of ``who``, or objections (not its author's)."""
        return [
            source
            for source, asker in r.questions.items()
            if source not in r.closed and (asker == who if who is not None else asker != r.who)
        ]

    def hours_in(self, period: str, who: str | None = None) -> bool:
        """Whether KPA has hours in ``period`` (an envelope shares something), of ``who``."""
        month, year = (int(x) for x in period.split("/"))
        start = dt.date(year, month, 1)
        query = select(Contribution.id).where(
            col(Contribution.day) >= start,
            col(Contribution.day) < (start + dt.timedelta(days=32)).replace(day=1),
            col(Contribution.project_id).is_not(None),
        )
        if who is not None:
            query = query.where(Contribution.user_id == who)
        with Session(self.engine) as db:
            found = db.exec(query).first()
        return found is not None

    def apply(self, msg: Msg, source: str, sent: Sent) -> None:
        if msg.kind not in BUDGET:
            return super().apply(msg, source, sent)
        p, who = msg.params, msg.sender
        if msg.kind == "envelope":
            mode = p.get("mode", "libre")
            self.envelopes[p["period"]] = MEnvelope(p["period"], p["cents"], mode=mode)
            msg.made = p["period"]
        elif msg.kind == "give":
            self.envelopes[p["period"]].gifts += 1
            self.gifts[source] = (p["period"], who)
        elif msg.kind == "request":
            mine = self.active(p["period"], who)
            if mine:
                self.update(mine[0], source, p["cents"])
                msg.made = ("update", mine[0].number)
                self.reland(p["period"])
            else:
                n = self.next_request
                self.next_request += 1
                self.requests[n] = MRequest(
                    n, p["period"], who, p["cents"], touched=source, since=self.room.now
                )
                self.envelopes[p["period"]].requests += 1
                msg.made = ("create", n)
                assert f"#{n}" in sent.text, sent.texts
        elif msg.kind == "withdraw":
            (r,) = self.active(p["period"], who)
            r.status, r.touched = "withdrawn", source
            msg.made = r.number
            self.reland(r.period)
        elif msg.kind == "validate":
            r = self.requests[p["n"]]
            r.validations[who], r.touched = source, source
            self.reland(r.period)
        elif msg.kind == "question":
            r = self.requests[p["n"]]
            r.questions[source], r.touched = who, source
        elif msg.kind == "agree":
            r = self.requests[p["n"]]
            vote = who != r.who and who not in r.validations
            self.agreed[source] = (r.number, r.granted, p["cents"], vote)
            self.was[source] = self.landed.pop(r.period, None)
            r.granted, r.touched = p["cents"], source
            if vote:
                r.validations[who] = source
        elif msg.kind == "prorata":
            env = self.envelopes[p["period"]]
            valid = [r for r in self.active(p["period"]) if self.validated(r)]
            shares = _scale({r.number: r.amount for r in valid}, env.amount)
            self.scaled[source] = {n: (self.requests[n].granted, c) for n, c in shares.items()}
            self.was[source] = self.landed.get(p["period"])
            self.landed[p["period"]] = source
            for n, cents in shares.items():
                self.requests[n].granted, self.requests[n].touched = cents, source
        elif msg.kind == "consent":
            env = self.envelopes[p["period"]]
            self.consents[source] = (p["period"], env.consent, p["days"])
            env.consent = p["days"]
        elif msg.kind in ("lift", "close_objection"):
            r = self.requests[p["n"]]
            closing = self.open_questions(r, who if msg.kind == "lift" else None)
            for q in closing:
                r.closed[q] = source
            r.touched = source
            msg.made = p["n"]
        else:  # settle
            self.envelopes[p["period"]].status = "closed"
            self.retake.add(f"envelope {p['period']}")

    def reland(self, period: str) -> None:
        """An applied pro rata follows every change of a request: the validated ones are
        landed again on the envelope (those that fit keep their request)."""
        env = self.open_envelope(period)
        if env is None or period not in self.landed:
            return
        valid = sorted(
            (r for r in self.active(period) if self.validated(r)), key=lambda r: r.number
        )
        for n, cents in _scale({r.number: r.amount for r in valid}, env.amount).items():
            self.requests[n].granted = cents

    def update(self, r: MRequest, source: str, cents: int) -> None:
        if source not in self.updates:
            self.updates[source] = (r.number, r.amount, r.granted, dict(r.validations), r.since)
        if cents != r.amount:
            r.since = self.room.now
        r.amount, r.granted, r.validations, r.touched = cents, None, {}, source
        r.updated_by.add(source)

    def predict_edit(self, msg: Msg, edited: Msg, source: str) -> bool | None:
        if msg.kind not in BUDGET:
            return super().predict_edit(msg, edited, source)
        if msg.kind != "request" or msg.made is None:
            return False
        _, n = msg.made
        r = self.requests.get(n)
        if r is None:  # the request it made was undone (edited into text): made again
            return self.predict(edited, source)
        accepted = (
            r.status == "active"
            and edited.params["period"] == r.period
            and self.open_envelope(r.period) is not None
        )
        return None if accepted and self.same(r, edited.params["cents"]) else accepted

    def same(self, r: MRequest, cents: int) -> bool:
        """Whether changing ``r`` to ``cents`` changes no field (at the same instant, even its
        time of change stays)."""
        return r.amount == cents and r.granted is None and not r.validations

    def apply_edit(self, msg: Msg, edited: Msg, source: str, sent: Sent) -> None:
        if msg.kind not in BUDGET:
            return super().apply_edit(msg, edited, source, sent)
        how, n = msg.made
        msg.params = edited.params
        if n not in self.requests:
            self.apply(msg, source, sent)
            return
        r = self.requests[n]
        if how == "create":
            if edited.params["cents"] != r.amount:
                r.since = self.room.now
            r.amount, r.granted, r.validations, r.touched = edited.params["cents"], None, {}, source
        else:
            self.update(r, source, edited.params["cents"])
            self.reland(r.period)

    def predict_undo(self, msg: Msg, source: str, remover: str) -> bool | None:
        if msg.kind not in BUDGET:
            return super().predict_undo(msg, source, remover)
        p, admin = msg.params, remover in ADMINS
        if msg.kind == "envelope":
            env = self.open_envelope(msg.made)
            return admin and env is not None and env.requests == 0 and env.gifts == 0
        if msg.kind == "give":
            return source in self.gifts and self.open_envelope(p["period"]) is not None
        if msg.kind == "settle":
            return False
        if msg.kind == "request":
            how, n = msg.made
            r = self.request_open(n)
            if r is None:
                return False
            if how == "create":
                return (
                    not r.validations and not r.questions and r.granted is None and not r.updated_by
                )
            return r.touched == source
        if msg.kind == "withdraw":
            r = self.requests.get(msg.made)
            return (
                r is not None
                and r.status == "withdrawn"
                and self.open_envelope(r.period) is not None
                and not self.active(r.period, r.who)
            )
        if msg.kind == "consent":
            found = self.consents.get(source)
            if found is None or source in self.consents_undone:
                return False
            period, _, after = found
            env = self.open_envelope(period)
            return admin and env is not None and env.consent == after
        if msg.kind in ("lift", "close_objection"):
            r = self.requests.get(p["n"])
            return (
                r is not None
                and self.open_envelope(r.period) is not None
                and source in r.closed.values()
            )
        if msg.kind in ("validate", "question"):
            r = self.requests.get(p["n"])
            mine = r is not None and (
                r.validations.get(msg.sender) == source
                if msg.kind == "validate"
                else source in r.questions
            )
            return mine and r is not None and self.open_envelope(r.period) is not None
        if msg.kind == "agree":
            n, _, after, _ = self.agreed.get(source, (0, None, 0, False))
            r = self.requests.get(n)
            return (
                admin
                and r is not None
                and self.open_envelope(r.period) is not None
                and r.granted == after
            )
        if msg.kind == "prorata":
            shares = self.scaled.get(source, {})
            env = self.open_envelope(p["period"])
            valid = {r.number for r in self.active(p["period"]) if self.validated(r)}
            return (
                admin
                and env is not None
                and self.landed.get(p["period"]) == source
                and valid == set(shares)
                and all(self.requests[n].granted == a for n, (_, a) in shares.items())
            )
        return None

    def apply_undo(self, msg: Msg, source: str, by: str) -> None:
        if msg.kind not in BUDGET:
            return super().apply_undo(msg, source, by)
        p = msg.params
        if msg.kind == "envelope":
            del self.envelopes[msg.made]
        elif msg.kind == "give":
            period, _ = self.gifts.pop(source)
            self.envelopes[period].gifts -= 1
        elif msg.kind == "request":
            how, n = msg.made
            if how == "create":
                r = self.requests.pop(n)
                self.envelopes[r.period].requests -= 1
            else:
                _, amount, granted, votes, since = self.updates.pop(source)
                r = self.requests[n]
                r.amount, r.granted, r.validations, r.touched = amount, granted, votes, by
                r.since = since
                r.updated_by.discard(source)
                self.reland(r.period)
        elif msg.kind == "withdraw":
            r = self.requests[msg.made]
            r.status, r.touched = "active", by
            self.reland(r.period)
        elif msg.kind == "validate":
            r = self.requests[p["n"]]
            del r.validations[msg.sender]
            r.touched = by
            self.reland(r.period)
        elif msg.kind == "question":
            r = self.requests[p["n"]]
            del r.questions[source]
            r.closed.pop(source, None)
            r.touched = by
        elif msg.kind == "consent":
            period, before, _ = self.consents[source]
            self.envelopes[period].consent = before
            self.consents_undone.add(source)
        elif msg.kind in ("lift", "close_objection"):
            r = self.requests[p["n"]]
            r.closed = {q: s for q, s in r.closed.items() if s != source}
            r.touched = by
        elif msg.kind == "agree":
            n, before, _, vote = self.agreed.pop(source)
            r = self.requests[n]
            r.granted, r.touched = before, by
            if vote:
                r.validations.pop(msg.sender, None)
            was = self.was.pop(source, None)
            if was is not None and r.period not in self.landed:
                self.landed[r.period] = was
                self.reland(r.period)
        elif msg.kind == "prorata":
            for n, (before, _) in self.scaled.pop(source).items():
                self.requests[n].granted, self.requests[n].touched = before, by
            was = self.was.pop(source, None)
            if was is None:
                self.landed.pop(p["period"], None)
            else:
                self.landed[p["period"]] = was

    def check_model(self) -> None:
        super().check_model()
        with Session(self.engine) as db:
            envs = db.exec(select(BudgetEnvelope)).all()
            assert {f"{e.start:%m/%Y}": e.state for e in envs} == {
                k: e.status for k, e in self.envelopes.items()
            }
            found = {
                r.number: (r.user_id, r.state, r.amount, r.granted)
                for r in db.exec(select(BudgetRequest)).all()
            }
            ids = {r.id: r.number for r in db.exec(select(BudgetRequest)).all()}
            votes = {
                (ids[v.request_id], v.user_id) for v in db.exec(select(BudgetValidation)).all()
            }
            asked = sorted(ids[q.request_id] for q in db.exec(select(BudgetQuestion)).all())
            objections = {
                q.event_id: q.close_event_id for q in db.exec(select(BudgetQuestion)).all()
            }
            delays = {f"{e.start:%m/%Y}": e.consent_days for e in envs}
            starts = {e.id: f"{e.start:%m/%Y}" for e in envs}
            gifts = {
                g.event_id: (starts[g.envelope_id], g.user_id)
                for g in db.exec(select(BudgetGiveBack)).all()
            }
            modes = {f"{e.start:%m/%Y}": e.mode for e in envs}
        assert gifts == self.gifts
        assert modes == {k: e.mode for k, e in self.envelopes.items()}
        assert found == {
            n: (r.who, r.status, r.amount, r.granted) for n, r in self.requests.items()
        }
        assert votes == {(n, who) for n, r in self.requests.items() for who in r.validations}
        assert asked == sorted(n for n, r in self.requests.items() for _ in r.questions)
        assert delays == {k: e.consent for k, e in self.envelopes.items()}
        assert objections == {
            q: r.closed.get(q) for r in self.requests.values() for q in r.questions
        }

    def tick_model(self) -> set[str]:
        """Lazy consensus: the silent requests whose delay is over are validated by the bot, at
        most once a day per envelope and not before 8:00 in Paris."""
        changed = super().tick_model()
        local = self.room.now.astimezone(PARIS)
        for period, env in self.envelopes.items():
            if env.status != "open" or env.mode != "libre" or env.consent is None:
                continue
            if local.hour < 8 or env.told == local.date():
                continue
            due = [
                r
                for r in self.active(period)
                if not self.validated(r)
                and not self.open_questions(r)
                and r.since is not None
                and r.since + dt.timedelta(days=env.consent) <= self.room.now
            ]
            for r in due:
                r.validations["bot"], r.touched = "tick", "tick"
            if due:
                env.told = local.date()
                changed.add(f"consent {period}")
        return changed

    def frozen_parts(self) -> dict[str, Callable[[Session], Any]]:
        parts = super().frozen_parts()
        for period, env in self.envelopes.items():
            if env.status == "closed":
                parts[f"envelope {period}"] = lambda db, p=period: _envelope_rows(db, p)
        return parts

    # -- the commands -------------------------------------------------------------------------------
    def render(self, kind: str, p: dict[str, Any]) -> str:
        if kind not in BUDGET:
            return super().render(kind, p)
        eur = "1O€" if p.get("typo") else f"{p.get('cents', 0) // 100}€"
        return {
            "envelope": lambda: (
                f"!budget KPA {eur} {p.get('period')} validations 1"
                if p.get("mode", "libre") == "libre"
                else f"!budget KPA {eur} {p.get('period')} proportionnel"
            ),
            "request": lambda: f"!demande KPA {p.get('period')} {eur} pour l'atelier",
            "withdraw": lambda: f"!demande KPA {p.get('period')} retirer",
            "validate": lambda: f"!valider {p.get('n')}",
            "question": lambda: f"!question {p.get('n')} pourquoi ?",
            "agree": lambda: f"!budget KPA accord {p.get('n')} {eur}",
            "prorata": lambda: f"!budget KPA {p.get('period')} prorata",
            "settle": lambda: f"!budget KPA {p.get('period')} clore",
            "give": lambda: (
                f"!budget KPA je-donne {'1O%' if p.get('typo') else p.get('gift')} "
                f"{p.get('period')}"
            ),
            "consent": lambda: (
                f"!budget KPA consentement {p.get('days') or 'non'}{'j' if p.get('days') else ''}"
                f" {p.get('period')}"
            ),
            "lift": lambda: f"!question {p.get('n')} levée",
            "close_objection": lambda: f"!question {p.get('n')} close",
        }[kind]()

    def draw_params(self, data: st.DataObject, kind: str) -> dict[str, Any]:
        if kind not in BUDGET:
            return super().draw_params(data, kind)
        draw = data.draw
        p: dict[str, Any] = {"period": draw(st.sampled_from(PERIODS), label="period")}
        if kind in ("envelope", "request", "agree"):
            p["cents"] = draw(st.integers(1, 120), label="euros") * 100
            p["typo"] = draw(st.integers(0, 5), label="typo") == 0
        if kind == "envelope":
            p["mode"] = draw(st.sampled_from(["libre", "proportionnel"]), label="mode")
        if kind == "consent":
            p["days"] = draw(st.sampled_from([None, 1, 2]), label="days")
        if kind == "give":
            p["gift"] = draw(st.sampled_from(GIFTS), label="gift")
            p["typo"] = draw(st.integers(0, 5), label="typo") == 0
        if kind in ("validate", "question", "agree", "lift", "close_objection"):
            known = sorted(self.requests) or [1]
            p["n"] = draw(
                st.one_of(st.sampled_from(known), st.integers(1, self.next_request)),
                label="request",
            )
        return p

    @initialize(requests=st.integers(0, 3), gifts=st.integers(0, 2), consent=st.booleans())
    def an_envelope_is_open(self, requests: int, gifts: int, consent: bool) -> None:
        """November's envelope of 100 € (validating silent requests after a day, or not), and a
        few requests; October's, shared by the hours, and a few give-backs in it."""
        self.command("@root", "envelope", {"period": "11/2026", "cents": 10000})
        if consent:
            self.command("@root", "consent", {"period": "11/2026", "days": 1})
        for who in PEOPLE[1 : 1 + requests]:
            self.command(who, "request", {"period": "11/2026", "cents": 6000})
        if gifts:
            october = {"period": "10/2026", "cents": 20000, "mode": "proportionnel"}
            self.command("@root", "envelope", october)
        for who in PEOPLE[2 : 2 + gifts]:
            self.command(who, "give", {"period": "10/2026", "gift": "50%"})

    @rule(
        who=people,
        data=st.data(),
        kind=st.sampled_from(["envelope", "envelope", "request", "request", "request", "withdraw", "validate", "validate", "question", "question", "agree", "prorata", "settle", "give", "give", "consent", "lift", "close_objection"]),
    )  # fmt: skip
    def budget_command(self, who: str, data: st.DataObject, kind: str) -> None:
        if kind in (
            "envelope",
            "agree",
            "prorata",
            "settle",
            "consent",
            "close_objection",
        ) and data.draw(st.integers(0, 3), label="an admin"):
            who = ADMINS[1]
        self.command(who, kind, self.draw_params(data, kind))

    @rule()
    def a_day_of_silence_passes(self) -> None:
        """A day goes by, and the timed jobs run (lazy consensus validates silent requests)."""
        self.room.now += dt.timedelta(days=1)
        self.the_timed_jobs_run()

    @rule(data=st.data())
    def an_objection_lives(self, data: st.DataObject) -> None:
        """Lazy consensus: someone objects to a request, then lifts the objection, or an admin
        (or a member, refused) settles it."""
        raised = [
            (r.number, asker)
            for r in self.requests.values()
            for source, asker in r.questions.items()
            if source not in r.closed
        ]
        if not raised or data.draw(st.integers(0, 3), label="a new objection") == 0:
            who = data.draw(people, label="who objects")
            self.command(who, "question", self.draw_params(data, "question"))
            return
        n, asker = data.draw(st.sampled_from(sorted(raised)), label="objection")
        params = {"period": "11/2026", "n": n}
        if data.draw(st.booleans(), label="lifted"):
            self.command(asker, "lift", params)
        else:
            self.command(data.draw(people, label="who settles"), "close_objection", params)

    @rule(who=people, data=st.data(), key=st.sampled_from(["✅", "✅", "❓"]))
    def someone_reacts_to_a_request(self, who: str, data: st.DataObject, key: str) -> None:
        n = data.draw(st.sampled_from(sorted(self.requests) or [1]), label="request")
        with Session(self.engine) as db:
            req = db.exec(select(BudgetRequest).where(BudgetRequest.number == n)).first()
            card = (
                db.exec(
                    select(BotMessage.platform_id).where(
                        BotMessage.ref_kind == "request", BotMessage.ref_id == str(req.id)
                    )
                ).first()
                if req is not None
                else None
            )
        if card is None:
            return
        self.count += 1
        msg = Msg(who, "validate" if key == "✅" else "question", {"n": n})
        r = self.request_open(n)
        expect = r is not None and (key == "❓" or (who != r.who and who not in r.validations))
        if r is None and self.requests.get(n) is not None and self.requests[n].status == "active":
            expect = False  # a closed envelope: refused
        sent, moved = self.run(lambda: self.room.react(who, card, key), "=", expect)
        if moved:
            msg.ran = msg.changed = msg.live = True
            self.msgs[sent.event_id] = msg  # taking the reaction back is deleting it
            self.apply(msg, sent.event_id, sent)


def _scale(asked: dict[int, int], total: int) -> dict[int, int]:
    from commands.split import scale

    return scale(asked, total)


def _envelope_rows(db: Session, period: str) -> Any:
    month, year = (int(x) for x in period.split("/"))
    env = db.exec(
        select(BudgetEnvelope).where(BudgetEnvelope.start == dt.date(year, month, 1))
    ).first()
    if env is None:
        return None
    reqs = db.exec(select(BudgetRequest).where(BudgetRequest.envelope_id == env.id)).all()
    ids = [r.id for r in reqs]
    return (
        rows([env]),
        rows(reqs),
        rows(
            db.exec(select(BudgetValidation).where(col(BudgetValidation.request_id).in_(ids))).all()
        ),
        rows(db.exec(select(BudgetQuestion).where(col(BudgetQuestion.request_id).in_(ids))).all()),
        rows(db.exec(select(BudgetShare).where(BudgetShare.envelope_id == env.id)).all()),
        rows(db.exec(select(BudgetGiveBack).where(BudgetGiveBack.envelope_id == env.id)).all()),
    )


# =========================================================================== contributions

CONTRIB = ("contrib", "remove")


@dataclass
class MContribution:
    number: int
    user: str
    minutes: int
    day: dt.date
    project: bool
    source: str
    created_by: str


class ContribRules(Machine):
    """Contributions: logged, corrected by an edit, removed with ``!annuler`` (and put back by
    deleting that), undone by deleting their message."""

    def __init__(self) -> None:
        super().__init__()
        self.contributions: dict[int, MContribution] = {}
        with Session(self.engine) as db:
            for c in db.exec(select(Contribution)).all():
                self.contributions[c.number] = MContribution(
                    c.number,
                    c.user_id,
                    c.minutes,
                    c.day,
                    c.project_id is not None,
                    c.event_id,
                    c.created_by,
                )
        self.next_contribution = max(self.contributions, default=0) + 1
        self.removed: dict[str, MContribution] = {}
        self.project_ok = True

    def keyed(self, source: str) -> MContribution | None:
        return next((c for c in self.contributions.values() if c.source == source), None)

    def predict(self, msg: Msg, source: str) -> bool | None:
        if msg.kind not in CONTRIB:
            return super().predict(msg, source)
        p, who, admin = msg.params, msg.sender, msg.sender in ADMINS
        if msg.kind == "contrib":
            return (p["for"] in (None, who) or admin) and p["day"] <= self.today()
        c = self.contributions.get(p["n"])
        return c is not None and (admin or who in (c.user, c.created_by))

    def apply(self, msg: Msg, source: str, sent: Sent) -> None:
        if msg.kind not in CONTRIB:
            return super().apply(msg, source, sent)
        p = msg.params
        if msg.kind == "contrib":
            self.logged(msg, source, p)
            assert f"#{self.keyed(source).number}" in sent.text, sent.texts  # type: ignore[union-attr]
        else:
            self.removed[source] = self.contributions.pop(p["n"])

    def logged(self, msg: Msg, source: str, p: dict[str, Any]) -> None:
        c = self.keyed(source)
        user = p["for"] or msg.sender
        if c is None:
            c = MContribution(
                self.next_contribution, user, 0, p["day"], p["kpa"], source, msg.sender
            )
            self.contributions[c.number] = c
            self.next_contribution += 1
        c.user, c.minutes, c.day, c.project = user, p["hours"] * 60, p["day"], p["kpa"]

    def predict_edit(self, msg: Msg, edited: Msg, source: str) -> bool | None:
        if msg.kind not in CONTRIB:
            return super().predict_edit(msg, edited, source)
        return self.predict(edited, source) if msg.kind == "contrib" else False

    def apply_edit(self, msg: Msg, edited: Msg, source: str, sent: Sent) -> None:
        if msg.kind not in CONTRIB:
            return super().apply_edit(msg, edited, source, sent)
        self.logged(edited, source, edited.params)
        msg.live = msg.changed = True

    def predict_undo(self, msg: Msg, source: str, remover: str) -> bool | None:
        if msg.kind not in CONTRIB:
            return super().predict_undo(msg, source, remover)
        if msg.kind == "contrib":
            return self.keyed(source) is not None
        gone = self.removed.get(source)
        return gone is not None and self.keyed(gone.source) is None

    def apply_undo(self, msg: Msg, source: str, by: str) -> None:
        if msg.kind not in CONTRIB:
            return super().apply_undo(msg, source, by)
        if msg.kind == "contrib":
            c = self.keyed(source)
            assert c is not None
            del self.contributions[c.number]
        else:
            c = self.removed.pop(source)
            self.contributions[c.number] = c

    def check_model(self) -> None:
        super().check_model()
        with Session(self.engine) as db:
            found = {
                c.number: (c.user_id, c.minutes, c.day, c.project_id is not None, c.event_id)
                for c in db.exec(select(Contribution)).all()
            }
        assert found == {
            n: (c.user, c.minutes, c.day, c.project, c.source)
            for n, c in self.contributions.items()
        }

    def render(self, kind: str, p: dict[str, Any]) -> str:
        if kind not in CONTRIB:
            return super().render(kind, p)
        if kind == "remove":
            return f"!annuler {p['n']}"
        hours = "3O" if p.get("typo") else str(p["hours"])
        who = f"{p['for']} " if p["for"] else ""
        return f"!contrib {who}{hours}h {p['day']:%d/%m/%Y}{' #KPA' if p['kpa'] else ''} atelier"

    def draw_params(self, data: st.DataObject, kind: str) -> dict[str, Any]:
        if kind not in CONTRIB:
            return super().draw_params(data, kind)
        draw = data.draw
        if kind == "remove":
            known = sorted(self.contributions) or [1]
            return {
                "n": draw(
                    st.one_of(st.sampled_from(known), st.integers(1, self.next_contribution)),
                    label="number",
                )
            }
        return {
            "for": draw(st.sampled_from([None, None, None, *PEOPLE]), label="for"),
            "hours": draw(st.integers(1, 8), label="hours"),
            "day": self.today() - dt.timedelta(days=draw(st.integers(-1, 40), label="days ago")),
            "kpa": draw(st.booleans(), label="KPA"),
            "typo": draw(st.integers(0, 5), label="typo") == 0,
        }

    @rule(who=people, data=st.data(), kind=st.sampled_from(["contrib", "contrib", "remove"]))
    def contrib_command(self, who: str, data: st.DataObject, kind: str) -> None:
        self.command(who, kind, self.draw_params(data, kind))


# =========================================================================== settings, projects, schedules

SETTINGS = ("setting", "project", "schedule")
ROOM_FIELDS = (
    "language",
    "timezone",
    "currency",
    "day_minutes",
    "max_entry_minutes",
    "max_past_days",
    "default_project_id",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
SCHEDULES = ("weekly", "monthly", "reminder")
CHANGED_SINCE = re.compile("a changé depuis|has changed since")


@dataclass
class MProject:
    code: str
    name: str
    archived: bool = False


@dataclass
class Change:
    """What a message set: a room's field, a project (``{code, name}``, ``(archived,
    default)``), a project it added, or a schedule (the whole row, ``None``: none)."""

    what: str  # room | name | state | add | schedule
    key: Any  # the field, the project's id, the schedule's kind
    before: Any
    after: Any


class SettingsRules(Machine):
    """A room's settings (``!langue``, ``!fuseau``, ``!reglages``), its projects (``!projet
    ajouter / renommer / archiver / rouvrir / defaut``) and its schedules (``!recap planifier``,
    ``!rappel``): admins set them, members' attempts change nothing; deleting the message (or
    editing it into text) puts back exactly what was there before, unless a later message
    changed it since."""

    # what the family may touch (the machine with every family leaves out what the others rely
    # on: the language of the answers, the currency, the time zone's offset, the KPA project)
    values: ClassVar[dict[str, tuple[Any, ...]]] = {
        "language": ("fr", "en"),
        "timezone": ("Europe/Paris", "Europe/Brussels", "America/Montreal"),
        "currency": ("EUR", "CHF"),
        "day_minutes": (420, 480),
        "max_entry_minutes": (600, 1440),
        "max_past_days": (60, 365),
    }
    codes: ClassVar[tuple[str, ...]] = ("KPA", "JARDIN", "POTAGER")
    project_acts: ClassVar[tuple[str, ...]] = ("add", "rename", "archive", "reopen", "default")

    def __init__(self) -> None:
        super().__init__()
        self.changes: dict[str, list[Change]] = {}
        with Session(self.engine) as db:
            room = db.get(RoomRow, self.room.room_id)
            assert room is not None
            self.settings = {f: getattr(room, f) for f in ROOM_FIELDS}
            self.projects = {
                p.id: MProject(p.code, p.name, p.archived) for p in db.exec(select(ProjectRow))
            }
        self.schedules: dict[str, tuple[Any, ...] | None] = dict.fromkeys(SCHEDULES)
        self.why_not = ""  # why the model refuses the undo being tried

    # -- the model ----------------------------------------------------------------------------------
    def project(self, code: str) -> int | None:
        return next((i for i, p in self.projects.items() if p.code.lower() == code.lower()), None)

    def current(self, c: Change) -> Any:
        if c.what == "room":
            return self.settings[c.key]
        if c.what == "schedule":
            return self.schedules[c.key]
        p = self.projects.get(c.key)
        if p is None:
            return None
        if c.what == "name":
            return {"code": p.code, "name": p.name}
        if c.what == "state":
            return (p.archived, self.settings["default_project_id"])
        return "exists"

    def put(self, c: Change, value: Any) -> None:
        if c.what == "room":
            self.settings[c.key] = value
        elif c.what == "schedule":
            self.schedules[c.key] = value
        elif c.what == "name":
            self.projects[c.key].code, self.projects[c.key].name = value["code"], value["name"]
        elif c.what == "state":
            self.projects[c.key].archived, self.settings["default_project_id"] = value
        elif value is None:  # a project added, removed again
            del self.projects[c.key]

    def proposed(self, msg: Msg, source: str) -> list[Change] | None:
        """What ``msg`` changes if it runs (``None``: it is refused)."""
        p = msg.params
        if msg.sender not in ADMINS or p.get("typo"):
            return None
        if msg.kind == "setting":
            return [Change("room", p["field"], self.settings[p["field"]], p["value"])]
        if msg.kind == "schedule":
            return self.scheduled(msg, source)
        act, found = p["act"], self.project(p["code"])
        if act == "add":
            return None if found is not None else [Change("add", None, None, "exists")]
        if act == "default" and p["code"] == "aucun":
            return [Change("room", "default_project_id", self.settings["default_project_id"], None)]
        if found is None:
            return None
        project, default = self.projects[found], self.settings["default_project_id"]
        if act in ("archive", "reopen"):
            archived = act == "archive"
            after = (archived, None if archived and default == found else default)
            return [Change("state", found, (project.archived, default), after)]
        if project.archived:
            return None
        if act == "default":
            return [Change("room", "default_project_id", default, found)]
        # rename: into another code (capitals), or another name
        to = p["to"]
        if to.isupper():
            if self.project(to) not in (None, found):
                return None
            name = project.name if project.name != project.code else to
            after = {"code": to, "name": name}
        else:
            after = {"code": project.code, "name": to}
        return [Change("name", found, {"code": project.code, "name": project.name}, after)]

    def scheduled(self, msg: Msg, source: str) -> list[Change]:
        p = msg.params
        if not p["off"]:
            kind = p["kind"]
            month_day = p["day"] + 1 if kind == "monthly" else None
            weekday = None if kind == "monthly" else p["day"]
            row = (True, weekday, month_day, p["hour"], 0, source, msg.sender)
            return [Change("schedule", kind, self.schedules[kind], row)]
        kinds = ("weekly", "monthly") if p["kind"] == "both" else (p["kind"],)
        out = []
        for kind in kinds:
            row = self.schedules[kind]
            if row is not None and row[0]:
                after = (False, *row[1:5], source, msg.sender)
                out.append(Change("schedule", kind, row, after))
        return out

    def predict(self, msg: Msg, source: str) -> bool | None:
        if msg.kind not in SETTINGS:
            return super().predict(msg, source)
        changes = self.proposed(msg, source)
        if changes is None:
            return False
        return True if any(c.before != c.after for c in changes) else None

    def apply(self, msg: Msg, source: str, sent: Sent) -> None:
        if msg.kind not in SETTINGS:
            return super().apply(msg, source, sent)
        changes = self.proposed(msg, source)
        assert changes is not None, ("the model refuses it, the bot accepted", sent.texts)
        for c in changes:
            if c.what == "add":
                with Session(self.engine) as db:
                    made = db.exec(select(ProjectRow).where(ProjectRow.event_id == source)).one()
                c.key = made.id
                self.projects[c.key] = MProject(made.code, made.name)
            else:
                self.put(c, c.after)
        self.changes[source] = changes
        # turning off what is off already changes nothing: its deletion has nothing to tell
        msg.changed = bool(changes)

    def predict_undo(self, msg: Msg, source: str, remover: str) -> bool | None:
        if msg.kind not in SETTINGS:
            return super().predict_undo(msg, source, remover)
        changes = self.changes.get(source)
        if remover not in ADMINS or not changes:
            return False
        if any(c.what != "add" and self.current(c) != c.after for c in changes):
            self.why_not = "changed since"
        for c in changes:
            if c.what == "add":
                if c.key not in self.projects or self.settings["default_project_id"] == c.key:
                    return False
                continue
            if self.current(c) != c.after:
                return False  # changed since
            if c.what == "name" and self.project(c.before["code"]) not in (None, c.key):
                return False  # another project has that code now
            if c.key == "default_project_id" and c.before is not None:
                back = self.projects.get(c.before)
                if back is None or back.archived:
                    return False  # that project is gone, or archived, since
        return True if any(c.before != c.after for c in changes) else None

    def undo_message(self, source: str, remover: str, how: str) -> Sent:
        self.why_not = ""
        sent = super().undo_message(source, remover, how)
        if self.why_not == "changed since":  # the refusal says so
            assert CHANGED_SINCE.search(sent.text), sent.texts
        return sent

    def apply_undo(self, msg: Msg, source: str, by: str) -> None:
        if msg.kind not in SETTINGS:
            return super().apply_undo(msg, source, by)
        for c in reversed(self.changes.pop(source)):
            self.put(c, c.before)

    def check_model(self) -> None:
        super().check_model()
        with Session(self.engine) as db:
            room = db.get(RoomRow, self.room.room_id)
            assert room is not None
            assert {f: getattr(room, f) for f in ROOM_FIELDS} == self.settings
            found = {p.id: (p.code, p.name, p.archived) for p in db.exec(select(ProjectRow))}
            schedules = {
                s.kind: (
                    s.enabled,
                    s.weekday,
                    s.month_day,
                    s.hour,
                    s.minute,
                    s.event_id,
                    s.changed_by,
                )
                for s in db.exec(select(RecapSchedule))
            }
        assert found == {i: (p.code, p.name, p.archived) for i, p in self.projects.items()}
        assert schedules == {k: row for k, row in self.schedules.items() if row is not None}

    # -- the commands -------------------------------------------------------------------------------
    def render(self, kind: str, p: dict[str, Any]) -> str:
        if kind not in SETTINGS:
            return super().render(kind, p)
        if kind == "setting":
            field, value = p["field"], p["value"]
            if field == "language":
                return f"!langue {'klingon' if p['typo'] else value}"
            if field == "timezone":
                return f"!fuseau {'Europe/Parus' if p['typo'] else value}"
            if field == "currency":
                return f"!reglages devise {'EUX' if p['typo'] else value}"
            word = {"day_minutes": "journee", "max_entry_minutes": "max"}.get(field, "passe")
            shown = f"{value // 60}h" if field != "max_past_days" else f"{value} jours"
            return f"!reglages {word} {'8x' if p['typo'] else shown}"
        if kind == "project":
            code = "J@RDIN" if p["typo"] else p["code"]
            word = {
                "add": "ajouter",
                "rename": "renommer",
                "archive": "archiver",
                "reopen": "rouvrir",
                "default": "defaut",
            }[p["act"]]
            return f"!projet {word} {code}" + (f" {p['to']}" if p["act"] == "rename" else "")
        hour = "9x" if p["typo"] else f"{p['hour']}h"
        if p["kind"] == "reminder":
            return "!rappel off" if p["off"] else f"!rappel {WEEKDAYS[p['day']]} {hour}"
        if p["off"]:
            head = {"weekly": "hebdo ", "monthly": "mensuel ", "both": ""}[p["kind"]]
            return f"!recap planifier {head}off"
        if p["kind"] == "monthly":
            return f"!recap planifier mensuel {p['day'] + 1} {hour}"
        return f"!recap planifier {WEEKDAYS[p['day']]} {hour}"

    def draw_params(self, data: st.DataObject, kind: str) -> dict[str, Any]:
        if kind not in SETTINGS:
            return super().draw_params(data, kind)
        draw = data.draw
        typo = draw(st.integers(0, 6), label="typo") == 0
        if kind == "setting":
            field = draw(st.sampled_from(sorted(self.values)), label="setting")
            value = draw(st.sampled_from(self.values[field]), label="value")
            return {"field": field, "value": value, "typo": typo}
        if kind == "project":
            act = draw(st.sampled_from(self.project_acts), label="act")
            codes = self.codes + (("aucun",) if act == "default" else ())
            code = draw(st.sampled_from(codes), label="code")
            to = draw(st.sampled_from([*self.codes, "Le jardin partagé", "Atelier"]), label="to")
            return {"act": act, "code": code, "to": to, "typo": typo}
        off = draw(st.integers(0, 3), label="off") == 0
        kinds = ["weekly", "monthly", "reminder"] + (["both"] if off else [])
        return {
            "kind": draw(st.sampled_from(kinds), label="schedule"),
            "off": off,
            "day": draw(st.integers(0, 6), label="day"),
            "hour": draw(st.sampled_from([8, 9, 18]), label="hour"),
            "typo": typo and not off,
        }

    @rule(who=people, data=st.data(), kind=st.sampled_from(SETTINGS))
    def settings_command(self, who: str, data: st.DataObject, kind: str) -> None:
        if data.draw(st.integers(0, 3), label="an admin"):
            who = ADMINS[data.draw(st.integers(0, 1), label="which admin")]
        self.command(who, kind, self.draw_params(data, kind))


# =========================================================================== the machines


class CobudgetMachine(CobudgetRules):
    pass


class BudgetMachine(BudgetRules):
    pass


class ContribMachine(ContribRules):
    pass


class SettingsMachine(SettingsRules):
    pass


class EveryFamily(SettingsRules, ContribRules, BudgetRules, CobudgetRules):
    """Every family in the same room: their records live side by side. The settings it changes
    are those the others' models do not read (the answers stay in French, amounts in euros,
    days in Paris time, KPA as it is, no default project)."""

    values: ClassVar[dict[str, tuple[Any, ...]]] = {
        "timezone": ("Europe/Paris", "Europe/Brussels"),
        "day_minutes": (420, 480),
        "max_entry_minutes": (600, 1440),
        "max_past_days": (60, 365),
    }
    codes = ("JARDIN", "POTAGER")
    project_acts = ("add", "rename", "archive", "reopen")


@pytest.mark.parametrize(
    "machine",
    [CobudgetMachine, BudgetMachine, ContribMachine, SettingsMachine, EveryFamily],
    ids=lambda m: m.__name__,
)
def test_each_record_lives_by_its_rules(machine: type[Machine], template_db: Path) -> None:
    machine.template = template_db
    run_state_machine_as_test(machine, settings=MACHINE)


def test_lazy_consensus_through_the_budget_machine(template_db: Path) -> None:
    """One fixed walk through the budget machine's lazy consensus (the derandomized runs reach
    it rarely): objections raised, lifted, settled and reopened, silent days, a new amount, with
    the machine's checks after every step."""
    BudgetMachine.template = template_db
    machine = BudgetMachine()

    def checked() -> None:
        machine.the_ledger_holds()
        machine.nothing_is_keyed_by_an_edit()
        machine.what_is_frozen_stays()
        machine.the_database_says_what_the_model_says()

    try:
        machine.an_envelope_is_open(requests=3, gifts=0, consent=True)
        checked()
        objection = machine.command("@cid", "question", {"period": "11/2026", "n": 1})
        machine.command("@bob", "question", {"period": "11/2026", "n": 2})  # one's own: none
        machine.the_clock_moves(5)
        machine.command("@bob", "request", {"period": "11/2026", "cents": 7000})  # anew
        checked()
        machine.room.now += dt.timedelta(hours=19)  # a day after the requests were made
        machine.the_timed_jobs_run()
        checked()
        assert {n: bool(r.validations) for n, r in machine.requests.items()} == {
            1: False,
            2: False,  # its amount changed: a day more
            3: True,
        }
        lifted = machine.command("@cid", "lift", {"period": "11/2026", "n": 1})
        machine.undo_message(lifted, "@cid", "remove")  # open again
        machine.command("@bob", "close_objection", {"period": "11/2026", "n": 1})  # a member
        settled = machine.command("@ana", "close_objection", {"period": "11/2026", "n": 1})
        checked()
        machine.a_day_of_silence_passes()
        checked()
        assert all(r.validations for r in machine.requests.values())
        machine.undo_message(settled, "@ana", "edit")  # reopened, the validation stays
        machine.undo_message(objection, "@cid", "remove")
        checked()
        machine.command("@root", "consent", {"period": "11/2026", "days": None})
        checked()
    finally:
        machine.teardown()

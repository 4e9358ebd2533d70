"""The terms of a new envelope (``!budget KPA 2000€ novembre proportionnel plafond 600€ taux
20€/h commun 10% min 5h validations 2 consentement 5j mission "Fête" soucieux @bob``), declared
as keyword options (``commands.declare_options``): in any order, each at most once, their words
from ``words.ftl``. Each refuses what does not read with the answer it always had."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from commands.args import Number, Percent, PeriodArg, Taken
from commands.budget import common, consent, envelope_refs
from commands.core import Context, UserError
from commands.declare_options import Opt, Options
from commands.grammar import Period, fold, match_amount, parse_duration

LIBRE, PROPORTIONAL = "libre", "proportionnel"


@dataclass(frozen=True)
class Cents:
    """A positive amount in the room's currency (``600€``, ``600``): its cents; an amount of
    another currency, or not above zero, is refused. ``number``: a word that looks like a
    number but is no amount (``-5``) is refused as an amount too."""

    placeholder: str = "amount"
    number: bool = False

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        found = match_amount(tokens, start)
        if found is None:
            if self.number and re.fullmatch(r"[-−]?[0-9][0-9,]*", tokens[start]):
                raise UserError("budget.error.amount", token=tokens[start])
            return None
        common._check_amount(ctx, found[0], " ".join(tokens[start : start + found[1]]))
        return found[0].cents, found[1]


@dataclass(frozen=True)
class HourlyRate:
    """An amount per hour: ``20€/h``, ``20 €/h``, ``20€ /h``, ``20 € par-heure``, ``20``."""

    placeholder: str = "rate"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        stripped = [common._strip_per_hour(tok) for tok in tokens[start : start + 2]]
        stripped = [tok for tok in stripped if tok]
        found = Cents().take(ctx, stripped, 0) if stripped else None
        if found is None:
            return None
        used = len(tokens[start : start + found[1]])
        if start + used < len(tokens) and fold(tokens[start + used]) in common._PER_HOUR:
            used += 1
        return found[0], used


@dataclass(frozen=True)
class Hours:
    """A number of hours, zero or more, in one word (``5h``, ``1h30``, ``2j``)."""

    placeholder: str = "duration"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        found = parse_duration(tokens[start], ctx.room.day_minutes)
        return None if found is None or found.negative else (found.minutes, 1)


@dataclass(frozen=True)
class ConsentDelay:
    """The delay of lazy consensus in days (``5j``, ``5 jours``, ``5d``), or ``non`` (0)."""

    placeholder: str = "days"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        days, used = consent.read_delay(tokens, start)
        return None if days is None else (days, used)


@dataclass(frozen=True)
class Label:
    """A mission's label: one word, or a quoted run."""

    placeholder: str = "name"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        return envelope_refs.read_label(ctx, tokens, start)


@dataclass(frozen=True)
class Owner:
    """The person who settles the envelope like an admin (``@bob``)."""

    placeholder: str = "person"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        return envelope_refs.read_owner(ctx, tokens, start)


TERMS = Options(
    (
        Opt("period", converter=PeriodArg(), first=True),
        Opt("amount", converter=Cents(number=True), required=True),
        Opt("mode", words="budget.mode.libre", value=LIBRE),
        Opt("mode", words="budget.mode.proportional", value=PROPORTIONAL),
        Opt("cap", words="budget.cap", converter=Cents(), refusal="budget.error.cap"),
        Opt("rate", words="budget.rate", converter=HourlyRate(), refusal="budget.error.rate"),
        Opt(
            "commons",
            words="budget.commons",
            converter=Percent(most=9999),
            refusal="budget.error.commons",
        ),
        Opt("min", words="budget.min", converter=Hours(), refusal="budget.error.min"),
        Opt(
            "validations",
            words="budget.validations",
            converter=Number(minimum=1, maximum=100),
            refusal="budget.error.validations",
        ),
        Opt(
            "consent",
            words="sub.budget.consent",
            converter=ConsentDelay(),
            refusal="budget.consent.error.delay",
        ),
        Opt(
            "label",
            words="budget.label",
            converter=Label(),
            refusal="budget_sources.error.label",
        ),
        Opt(
            "owner",
            words="sub.budget.owner",
            converter=Owner(),
            refusal="budget_sources.error.owner",
        ),
    ),
    command="budget",
    unknown="budget.error.bad_token",
    deferred=True,  # read after the admin right is checked (``handlers.create_envelope``)
)


@dataclass
class Terms:
    """What ``!budget KPA 2000€ novembre …`` says of the envelope to create."""

    period: Period | None = None
    amount: int | None = None
    mode: str | None = None
    cap: int | None = None
    rate: int | None = None
    commons_bp: int = 0
    min_minutes: int = 0
    validations: int = 2
    consent_days: int | None = None
    label: str | None = None
    owner: str | None = None
    has_rules: bool = False  # a cap, a rate, a commons part or a minimum: proportional


def read_terms(ctx: Context, code: str, tokens: list[str]) -> Terms:
    """The terms said by ``tokens`` (the words after the project ``code``)."""
    read: dict[str, Any] = TERMS.read(ctx, tokens, project=code)
    rules = ("cap", "rate", "commons", "min")
    return Terms(
        period=read["period"],
        amount=read["amount"],
        mode=read["mode"],
        cap=read["cap"],
        rate=read["rate"],
        commons_bp=read["commons"] or 0,
        min_minutes=read["min"] or 0,
        validations=read["validations"] or 2,
        consent_days=read["consent"] or None,
        label=read["label"],
        owner=read["owner"],
        has_rules=any(read[name] is not None for name in rules),
    )

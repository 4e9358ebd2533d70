"""Contributive budget: envelopes shared among the contributors of a project and period, the
requests of *rétribution libre* (with questions and validations), give-backs to the commons, and
the split frozen when an envelope is closed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.clock import now
from storage.models.core import NO_REUSE


class BudgetEnvelope(SQLModel, table=True):
    """An amount for a project and a period (``start <= day < end``), shared in ``mode``
    ``libre`` (people ask) or ``proportionnel`` (computed from hours, under the rules)."""

    __tablename__ = "budget_envelope"
    __table_args__ = (
        Index("ix_budget_envelope_room_project", "room_id", "project_id"),
        UniqueConstraint("room_id", "number", name="uq_budget_envelope_number"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: str = Field(foreign_key="room.id", max_length=255)
    number: int  # per room, never reused
    project_id: int = Field(foreign_key="project.id")
    start: dt.date
    end: dt.date  # exclusive
    period_kind: str = Field(default="range", max_length=16)
    amount: int  # cents
    currency: str = Field(default="EUR", max_length=3)
    mode: str = Field(default="libre", max_length=16)  # libre | proportionnel
    cap: int | None = Field(default=None)  # cents per person
    rate: int | None = Field(default=None)  # cents per hour
    commons_bp: int = Field(default=0)  # basis points kept for the commons
    min_minutes: int = Field(default=0)
    validations_needed: int = Field(default=2)  # ✅ of members that validate a request
    state: str = Field(default="open", max_length=16)  # open | closed
    commons_amount: int | None = Field(default=None)  # set when closed
    remainder: int | None = Field(default=None)  # set when closed: what nobody received
    created_by: str = Field(max_length=255)
    event_id: str = Field(unique=True, max_length=255)
    created_at: dt.datetime = Field(default_factory=now)
    closed_at: dt.datetime | None = Field(default=None)
    closed_by: str | None = Field(default=None, max_length=255)
    close_event_id: str | None = Field(default=None, max_length=255)
    # the landing applied to it (``prorata``, ``base:3000``...; ``commands.landing``), kept
    # applied on every later change of a request; and the message that applied it
    landing: str | None = Field(default=None, max_length=32)
    landing_event: str | None = Field(default=None, max_length=255)
    # lazy consensus: a request with no open objection is validated this many days after it was
    # made (or after its amount last changed); None: off
    consent_days: int | None = Field(default=None)
    # an envelope for a mission or an event: its name (several open envelopes of one project
    # coexist when their labels differ), and the person who settles it like an admin
    label: str | None = Field(default=None, max_length=120)
    owner: str | None = Field(default=None, max_length=255)


class BudgetShare(SQLModel, table=True):
    """One person's part of a closed envelope, frozen when it was closed."""

    __tablename__ = "budget_share"
    __table_args__ = (
        UniqueConstraint("envelope_id", "user_id", name="uq_budget_share_person"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    envelope_id: int = Field(foreign_key="budget_envelope.id", index=True)
    user_id: str = Field(max_length=255)
    minutes: int
    gross: int  # cents before a give-back
    given_back: int = Field(default=0)
    amount: int  # cents paid
    limited: bool = Field(default=False)  # reached the cap or the rate
    note: str = Field(default="", max_length=255)


class BudgetRequest(SQLModel, table=True):
    """*Rétribution libre*: what someone asks for their contributions."""

    __tablename__ = "budget_request"
    __table_args__ = (
        UniqueConstraint("room_id", "number", name="uq_budget_request_number"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    envelope_id: int = Field(foreign_key="budget_envelope.id", index=True)
    room_id: str = Field(foreign_key="room.id", max_length=255)  # the envelope's
    number: int  # per room, never reused (``!valider 3``)
    user_id: str = Field(max_length=255)
    amount: int  # cents asked
    message: str = Field(default="", max_length=2000)
    state: str = Field(default="active", max_length=16)  # active | withdrawn
    granted: int | None = Field(default=None)  # cents agreed (pro rata or by an admin)
    revised: int | None = Field(default=None)  # cents its author now thinks fair (shown only)
    event_id: str = Field(unique=True, max_length=255)
    created_at: dt.datetime = Field(default_factory=now)
    updated_at: dt.datetime = Field(default_factory=now)
    # when the lazy-consensus delay last started (its amount changed); None: ``created_at``
    consent_from: dt.datetime | None = Field(default=None)


class BudgetQuestion(SQLModel, table=True):
    """Someone questions a request (``!question`` or a ❓ reaction)."""

    __tablename__ = "budget_question"
    __table_args__ = NO_REUSE

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="budget_request.id", index=True)
    user_id: str = Field(max_length=255)
    text: str = Field(default="", max_length=2000)
    event_id: str = Field(unique=True, max_length=255)
    created_at: dt.datetime = Field(default_factory=now)
    # an objection stays open until its author lifts it or an admin settles it
    closed_kind: str | None = Field(default=None, max_length=16)  # lifted | settled
    closed_by: str | None = Field(default=None, max_length=255)
    closed_at: dt.datetime | None = Field(default=None)
    close_event_id: str | None = Field(default=None, max_length=255, index=True)


class BudgetValidation(SQLModel, table=True):
    """Someone validates a request (``!valider`` or a ✅ reaction); an admin's is enough."""

    __tablename__ = "budget_validation"
    __table_args__ = (
        UniqueConstraint("request_id", "user_id", name="uq_budget_validation_person"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="budget_request.id", index=True)
    user_id: str = Field(max_length=255)
    by_admin: bool = Field(default=False)
    event_id: str = Field(unique=True, max_length=255)
    created_at: dt.datetime = Field(default_factory=now)


class BudgetGiveBack(SQLModel, table=True):
    """A contributor gives back part of their share to the commons; their latest one counts."""

    __tablename__ = "budget_giveback"
    __table_args__ = NO_REUSE

    id: int | None = Field(default=None, primary_key=True)
    envelope_id: int = Field(foreign_key="budget_envelope.id", index=True)
    user_id: str = Field(max_length=255)
    percent_bp: int | None = Field(default=None)
    cents: int | None = Field(default=None)
    event_id: str = Field(unique=True, max_length=255)
    created_at: dt.datetime = Field(default_factory=now)


class BudgetConsentDay(SQLModel, table=True):
    """A day on which lazy consensus validated requests of an envelope: the room is told once
    per envelope and local day, and this record makes sure of it (two processes included)."""

    __tablename__ = "budget_consent_day"
    __table_args__ = (
        UniqueConstraint("envelope_id", "day", name="uq_budget_consent_day"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    envelope_id: int = Field(foreign_key="budget_envelope.id")
    day: dt.date  # in the room's time zone
    event_id: str = Field(unique=True, max_length=255)  # what the validations record
    requests: str = Field(default="", max_length=2000)  # the numbers validated, ``1,3``
    sent_at: dt.datetime = Field(default_factory=now)


class BudgetRateGuide(SQLModel, table=True):
    """An indicative range of pay for a room or one of its projects (``!taux KPA 15-25€/h``):
    requests show their hourly rate against it; ``growth_bp`` caps how much a person's request
    may grow from one envelope of a project to the next. A project's range wins over the
    room's."""

    __tablename__ = "budget_rate_guide"
    __table_args__ = (
        UniqueConstraint("room_id", "scope", name="uq_budget_rate_guide_scope"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: str = Field(foreign_key="room.id", max_length=255)
    scope: str = Field(max_length=32)  # ``room`` or ``project:<id>``
    project_id: int | None = Field(default=None, foreign_key="project.id")
    low: int  # cents per ``unit``
    high: int  # cents per ``unit``
    unit: str = Field(default="h", max_length=4)  # h | j (a day: the room's ``journee``)
    growth_bp: int | None = Field(default=None)  # at most this much more than the last request
    set_by: str = Field(max_length=255)
    event_id: str = Field(max_length=255)  # the message that set it last
    updated_at: dt.datetime = Field(default_factory=now)


class BudgetCampaign(SQLModel, table=True):
    """An hour-reading campaign (*relevé des compteurs*) on an open envelope: one message asks
    the contributors and members to complete their hours and post their request before a
    deadline; one reminder in its thread; a report at the deadline."""

    __tablename__ = "budget_campaign"
    __table_args__ = NO_REUSE

    id: int | None = Field(default=None, primary_key=True)
    room_id: str = Field(foreign_key="room.id", max_length=255)
    envelope_id: int = Field(foreign_key="budget_envelope.id", index=True)
    deadline: dt.date  # "avant le" this local day
    deadline_at: dt.datetime  # when the report goes out
    remind_at: dt.datetime  # when the reminder goes out
    state: str = Field(default="open", max_length=16)  # open | cancelled | removed | ended
    opened_by: str = Field(max_length=255)
    event_id: str = Field(unique=True, max_length=255)
    opened_at: dt.datetime = Field(default_factory=now)
    # the latest contribution when it opened: those logged after it have larger ids
    last_contribution: int = Field(default=0)
    cancelled_by: str | None = Field(default=None, max_length=255)
    cancel_event_id: str | None = Field(default=None, max_length=255, index=True)
    ended_at: dt.datetime | None = Field(default=None)


class BudgetCampaignConfirm(SQLModel, table=True):
    """Someone reacted ✅ to a campaign's message: they confirm their hours."""

    __tablename__ = "budget_campaign_confirm"
    __table_args__ = NO_REUSE

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="budget_campaign.id", index=True)
    user_id: str = Field(max_length=255)
    event_id: str = Field(unique=True, max_length=255)
    created_at: dt.datetime = Field(default_factory=now)


class BudgetCampaignNotice(SQLModel, table=True):
    """The reminder or the report of a campaign, sent once (two processes included)."""

    __tablename__ = "budget_campaign_notice"
    __table_args__ = (
        UniqueConstraint("campaign_id", "kind", name="uq_budget_campaign_notice"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="budget_campaign.id")
    kind: str = Field(max_length=16)  # reminder | deadline
    event_id: str = Field(unique=True, max_length=255)
    named: int = Field(default=0)  # how many people it named
    sent_at: dt.datetime = Field(default_factory=now)


class BudgetSource(SQLModel, table=True):
    """Where an envelope's money comes from: its amount when it was created (``initial``), a
    top-up (``source``: a grant, a gift...) or a share of a paid service (``prestation``). An
    envelope's amount is always the sum of its sources."""

    __tablename__ = "budget_source"
    __table_args__ = NO_REUSE

    id: int | None = Field(default=None, primary_key=True)
    envelope_id: int = Field(foreign_key="budget_envelope.id", index=True)
    kind: str = Field(default="source", max_length=16)  # initial | source | prestation
    label: str = Field(default="", max_length=255)
    amount: int  # cents put into the envelope
    service: int | None = Field(default=None)  # prestation: the price of the service, in cents
    percent_bp: int | None = Field(default=None)  # prestation: the share of it, basis points
    user_id: str = Field(max_length=255)  # who recorded it
    event_id: str = Field(unique=True, max_length=255)
    created_at: dt.datetime = Field(default_factory=now)


class BudgetLandingVote(SQLModel, table=True):
    """The room chooses a landing option by reaction before a deadline (``!budget KPA
    atterrissage vote jusqu'au 15/12``): at the deadline the timed job counts the ballots once
    (``state`` leaves ``open`` in one guarded update) and applies the option with the most."""

    __tablename__ = "budget_landing_vote"
    __table_args__ = (Index("ix_budget_landing_vote_open", "state", "deadline"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    envelope_id: int = Field(foreign_key="budget_envelope.id", index=True)
    room_id: str = Field(max_length=255)
    event_id: str = Field(unique=True, max_length=255)  # the message that opened it
    opened_by: str = Field(max_length=255)
    opened_at: dt.datetime = Field(default_factory=now)
    deadline: dt.datetime  # UTC: ballots count until then
    base_bp: int  # the options' parameters (``commands.landing.options``)
    floor: int
    requests_key: str = Field(max_length=64)  # the validated requests when it opened
    # open | applied | tied | empty (nobody voted) | void (nothing to land) | cancelled
    state: str = Field(default="open", max_length=16)
    result: str | None = Field(default=None, max_length=255)  # the option(s): ``median``
    counts: str | None = Field(default=None, max_length=255)  # ``1:2,2:0,3:3,4:0``
    closed_at: dt.datetime | None = Field(default=None)
    closed_by: str | None = Field(default=None, max_length=255)
    close_event_id: str | None = Field(default=None, max_length=255, index=True)


class BudgetLandingBallot(SQLModel, table=True):
    """One reaction on a vote's message: a person's latest reaction is their vote (``active``);
    an earlier one is ``replaced``; taking the latest back withdraws it (``withdrawn``)."""

    __tablename__ = "budget_landing_ballot"
    __table_args__ = (Index("ix_budget_landing_ballot_vote", "vote_id", "user_id"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="budget_landing_vote.id")
    user_id: str = Field(max_length=255)
    option: str = Field(max_length=16)  # ``commands.landing`` option name
    event_id: str = Field(unique=True, max_length=255)  # the reaction
    state: str = Field(default="active", max_length=16)  # active | replaced | withdrawn
    created_at: dt.datetime = Field(default_factory=now)

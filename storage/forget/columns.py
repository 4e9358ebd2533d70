"""What forgetting a person touches, per record kind: the columns that hold a user id, the
free texts people write in their own records, the texts where anyone may write an id, the
columns that hold a chat event id, and the keys of JSON documents that name a record's subject
or hold what someone wrote; with the small SQL helpers that reach them."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from storage.models import (
    Allocation,
    Audit,
    BotMessage,
    Bucket,
    BudgetCampaign,
    BudgetCampaignConfirm,
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetLandingBallot,
    BudgetLandingVote,
    BudgetQuestion,
    BudgetRateGuide,
    BudgetRequest,
    BudgetShare,
    BudgetSource,
    BudgetValidation,
    ChatEvent,
    CobudgetRound,
    Contribution,
    Funding,
    PendingAction,
    Project,
    RecapSchedule,
    Room,
)

# a user id without its "@", this long and made of letters and digits only, is a Mattermost id,
# which the adapter also writes into event ids (reactions, memberships)
EMBEDDED_ID = re.compile(r"[a-z0-9]{20,}")
# keys of audit details and payloads that name the person a record is about
SUBJECT_KEYS = frozenset({"user", "user_id", "funder", "author", "sender"})
# keys that hold what someone wrote
FREE_TEXT_KEYS = frozenset({"description", "message", "text", "words"})

# (model, column) that hold a user id
USER_COLUMNS: tuple[tuple[Any, str], ...] = (
    (Contribution, "user_id"),
    (Contribution, "created_by"),
    (ChatEvent, "sender"),
    (Audit, "actor"),
    (Audit, "object_id"),
    (CobudgetRound, "created_by"),
    (Allocation, "user_id"),
    (Allocation, "created_by"),
    (Bucket, "author"),
    (Funding, "funder"),
    (BudgetEnvelope, "created_by"),
    (BudgetEnvelope, "closed_by"),
    (BudgetShare, "user_id"),
    (BudgetRequest, "user_id"),
    (BudgetQuestion, "user_id"),
    (BudgetQuestion, "closed_by"),
    (BudgetValidation, "user_id"),
    (BudgetGiveBack, "user_id"),
    (BudgetRateGuide, "set_by"),
    (BudgetCampaign, "opened_by"),
    (BudgetCampaign, "cancelled_by"),
    (BudgetCampaignConfirm, "user_id"),
    (BudgetEnvelope, "owner"),
    (BudgetSource, "user_id"),
    (BudgetLandingVote, "opened_by"),
    (BudgetLandingVote, "closed_by"),
    (BudgetLandingBallot, "user_id"),
    (PendingAction, "sender"),
    (RecapSchedule, "changed_by"),
    (BotMessage, "lane"),
)
# (model, owner column, free-text column): what a person wrote in their own records
OWN_TEXTS: tuple[tuple[Any, str, str], ...] = (
    (Contribution, "user_id", "description"),
    (Bucket, "author", "description"),
    (BudgetRequest, "user_id", "message"),
    (BudgetQuestion, "user_id", "text"),
)
# free text anyone wrote, where someone's id may be written
TEXT_COLUMNS: tuple[tuple[Any, str], ...] = (
    (Contribution, "description"),
    (Bucket, "title"),
    (Bucket, "description"),
    (CobudgetRound, "title"),
    (BudgetRequest, "message"),
    (BudgetQuestion, "text"),
    (BudgetShare, "note"),
    (BudgetEnvelope, "label"),
    (BudgetSource, "label"),
    (Project, "name"),
    (Room, "name"),
)
# columns that hold a chat event id (or a platform id of one)
EVENT_COLUMNS: tuple[tuple[Any, str], ...] = (
    (ChatEvent, "event_id"),
    (Contribution, "event_id"),
    (Project, "event_id"),
    (Audit, "event_id"),
    (BotMessage, "reply_to"),
    (BotMessage, "thread_id"),
    (BotMessage, "target_event"),
    (BotMessage, "cause_event_id"),
    (CobudgetRound, "event_id"),
    (CobudgetRound, "closed_event_id"),
    (Allocation, "event_id"),
    (Bucket, "event_id"),
    (Funding, "event_id"),
    (Funding, "ended_event_id"),
    (BudgetEnvelope, "event_id"),
    (BudgetEnvelope, "close_event_id"),
    (BudgetRequest, "event_id"),
    (BudgetQuestion, "event_id"),
    (BudgetQuestion, "close_event_id"),
    (BudgetValidation, "event_id"),
    (BudgetGiveBack, "event_id"),
    (BudgetRateGuide, "event_id"),
    (BudgetCampaign, "event_id"),
    (BudgetCampaign, "cancel_event_id"),
    (BudgetCampaignConfirm, "event_id"),
    (BudgetSource, "event_id"),
    (BudgetLandingVote, "event_id"),
    (BudgetLandingVote, "close_event_id"),
    (BudgetLandingBallot, "event_id"),
    (PendingAction, "source_event_id"),
    (PendingAction, "resolved_event_id"),
    (RecapSchedule, "event_id"),
    (Room, "name"),
)


def table_of(model: Any) -> Any:
    return model.__table__


def contains(column: Any, text: str) -> ColumnElement[bool]:
    found: ColumnElement[bool] = column.contains(text, autoescape=True)
    return found


def changed_rows(result: Any) -> int:
    """How many rows an UPDATE or DELETE changed."""
    return int(getattr(result, "rowcount", 0) or 0)

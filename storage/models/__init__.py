"""All tables. Each family of features keeps its tables in a module of its own; importing this
package registers every table on ``SQLModel.metadata`` (used by the migrations' env)."""

from storage.models.adapter import AdapterCursor
from storage.models.budget import (
    BudgetCampaign,
    BudgetCampaignConfirm,
    BudgetCampaignNotice,
    BudgetConsentDay,
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
)
from storage.models.cobudget import Allocation, Bucket, CobudgetRound, Funding
from storage.models.core import (
    Audit,
    BotMessage,
    ChatEvent,
    Contribution,
    ContributionMonth,
    Member,
    Person,
    Project,
    Room,
)
from storage.models.matrix import MatrixAccount
from storage.models.numbers import RoomCounter
from storage.models.page import DirectRoom, PageLink, PageRoom
from storage.models.pending import PendingAction
from storage.models.people import ForgottenPerson
from storage.models.recap import RecapSchedule, RecapSent
from storage.models.render import RenderJob

__all__ = [
    "AdapterCursor",
    "Allocation",
    "Audit",
    "BotMessage",
    "Bucket",
    "BudgetCampaign",
    "BudgetCampaignConfirm",
    "BudgetCampaignNotice",
    "BudgetConsentDay",
    "BudgetEnvelope",
    "BudgetGiveBack",
    "BudgetLandingBallot",
    "BudgetLandingVote",
    "BudgetQuestion",
    "BudgetRateGuide",
    "BudgetRequest",
    "BudgetShare",
    "BudgetSource",
    "BudgetValidation",
    "ChatEvent",
    "CobudgetRound",
    "Contribution",
    "ContributionMonth",
    "DirectRoom",
    "ForgottenPerson",
    "Funding",
    "MatrixAccount",
    "Member",
    "PageLink",
    "PageRoom",
    "PendingAction",
    "Person",
    "Project",
    "RecapSchedule",
    "RecapSent",
    "RenderJob",
    "Room",
    "RoomCounter",
]

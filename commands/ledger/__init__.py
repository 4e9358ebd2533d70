"""What a room's page shows (``bot.web`` renders it): read-only views of the ledger in the
room's language and time zone. Every figure comes from the functions the chat answers use
(``storage.ledger``, ``storage.queries``, the families' views), and every view reads a few
queries whatever the number of rows.
"""

from commands.ledger.downloads import Downloads, contributions_file, downloads
from commands.ledger.envelopes import (
    EnvelopeView,
    RequestView,
    envelope_csv,
    envelope_view,
    envelopes_table,
)
from commands.ledger.journal import Entry, JournalView, Option, journal_view
from commands.ledger.overview import (
    Overview,
    RoundSummary,
    chart_png,
    chart_title,
    overview,
    period_of,
)
from commands.ledger.reader import (
    BUCKETS_PAGE,
    JOURNAL_PAGE,
    MONEY_KEYS,
    PEOPLE_KEYS,
    PERIOD_LABELS,
    PERIODS,
    Kept,
    Link,
    Reader,
    Table,
)
from commands.ledger.rounds import BucketView, RoundView, round_view

__all__ = [
    "BUCKETS_PAGE",
    "JOURNAL_PAGE",
    "MONEY_KEYS",
    "PEOPLE_KEYS",
    "PERIODS",
    "PERIOD_LABELS",
    "BucketView",
    "Downloads",
    "Entry",
    "EnvelopeView",
    "JournalView",
    "Kept",
    "Link",
    "Option",
    "Overview",
    "Reader",
    "RequestView",
    "RoundSummary",
    "RoundView",
    "Table",
    "chart_png",
    "chart_title",
    "contributions_file",
    "downloads",
    "envelope_csv",
    "envelope_view",
    "envelopes_table",
    "journal_view",
    "overview",
    "period_of",
    "round_view",
]

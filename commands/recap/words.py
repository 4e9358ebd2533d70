"""The recap's words and sizes."""

from __future__ import annotations

import logging

# the log keeps the name it always had
log = logging.getLogger("commands.recap")


FAMILY = "recap"


CHART_WEEKS = 8


CHART_MONTHS = 6


TABLE_ROWS = 8


RECAP_TEXT = "recap:text"


RECAP_CHART = "recap:chart"

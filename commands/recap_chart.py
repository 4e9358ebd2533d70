"""The recap's chart: a PNG drawn off-screen with matplotlib (Agg), made to be read on a phone.

Two panels, one above the other: hours per week (or month) stacked by project, then hours per
person over the same span. Big fonts, few bars (the largest ones, the rest in one "others" bar),
sorted, values written on the bars. matplotlib is imported on first use only.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal

# colour-blind safe palette (Okabe-Ito), "others" in grey
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
OTHERS_COLOUR = "#9E9E9E"
MAX_PROJECTS = 5
MAX_PEOPLE = 8


def _bare_count(n: int, hours: str) -> str:
    return str(n)


@dataclass(frozen=True)
class ChartData:
    """Minutes per time bucket and series (projects), and minutes per person, with labels."""

    title: str
    buckets: list[str]  # x labels, oldest first
    series: list[tuple[str, list[int]]]  # (project label, minutes per bucket), largest first
    people: list[tuple[str, int]]  # (name, minutes), largest first
    projects_title: str
    people_title: str
    hours_label: str
    others_label: str
    # (n, hours) -> "(+ 2 autres : 3 h)", the catalogue's text in the room's language
    others_people: Callable[[int, str], str] = _bare_count
    lang: str = "fr"  # numbers on the chart: 6,5 in French, 6.5 in English

    def people_others_note(self, n: int) -> str:
        if n <= 0:
            return ""
        rest = sorted(self.people, key=lambda item: (-item[1], item[0]))[-n:]
        hours = self.number(_hours(sum(m for _, m in rest)))
        return " " + self.others_people(n, hours)

    def number(self, hours: float) -> str:
        """Hours as the chart writes them: whole from 10 up, else to a tenth, with the
        language's decimal separator."""
        return _fmt(hours, self.lang)


def fold_series(
    series: Sequence[tuple[str, list[int]]], keep: int, others: str
) -> list[tuple[str, list[int]]]:
    """Keep the ``keep`` largest series; add the others up, bucket by bucket."""
    ranked = sorted(series, key=lambda s: (-sum(s[1]), s[0]))
    if len(ranked) <= keep + 1:
        return ranked
    width = len(ranked[0][1])
    rest = [sum(s[1][i] for s in ranked[keep:]) for i in range(width)]
    return [*ranked[:keep], (f"{others} ({len(ranked) - keep})", rest)]


def _hours(minutes: int) -> float:
    return minutes / 60


def _fmt(hours: float, lang: str = "fr") -> str:
    from commands.i18n import locale_of

    pattern = "0" if hours >= 10 or hours == int(hours) else "0.0"
    return str(format_decimal(hours, format=pattern, locale=locale_of(lang)))


def render(data: ChartData) -> bytes:
    """The chart as PNG bytes (about 900 x 1300 pixels)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    # every number on the chart with the language's decimal separator (6,5 in French)
    numbers = FuncFormatter(lambda value, _position: data.number(value))

    series = fold_series(data.series, MAX_PROJECTS, data.others_label)
    # the people not shown are summed up in words: one big "others" bar would squash the rest
    people = sorted(data.people, key=lambda item: (-item[1], item[0]))[:MAX_PEOPLE]
    hidden = data.people_others_note(len(data.people) - len(people))

    fig = Figure(figsize=(6.4, 9.2), dpi=120)
    fig.suptitle(data.title, fontsize=17, fontweight="bold", y=0.985)
    top, bottom = fig.subplots(2, 1, height_ratios=[1.1, 1])
    longest = max((len(name) for name, _ in people), default=4)
    fig.subplots_adjust(
        left=min(0.45, 0.1 + 0.017 * longest), right=0.95, top=0.9, bottom=0.07, hspace=0.55
    )

    # -- hours per bucket, stacked by project
    xs = range(len(data.buckets))
    base = [0.0] * len(data.buckets)
    for i, (label, minutes) in enumerate(series):
        colour = OTHERS_COLOUR if label.startswith(data.others_label) else PALETTE[i % 6]
        values = [_hours(m) for m in minutes]
        top.bar(xs, values, bottom=base, color=colour, label=label, width=0.72)
        base = [b + v for b, v in zip(base, values, strict=True)]
    for x, total in zip(xs, base, strict=True):
        if total > 0:
            top.text(x, total, data.number(total), ha="center", va="bottom", fontsize=12)
    top.set_title(data.projects_title, fontsize=15, loc="left")
    top.set_xticks(list(xs), data.buckets, fontsize=11)
    top.tick_params(axis="y", labelsize=12)
    top.yaxis.set_major_formatter(numbers)
    top.set_ylabel(data.hours_label, fontsize=13)
    top.set_ylim(0, max([*base, 1.0]) * 1.18)
    top.spines[["top", "right"]].set_visible(False)
    if series:
        top.legend(
            fontsize=12,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=min(3, len(series)),
            frameon=False,
        )

    # -- hours per person, horizontal bars, largest on top
    names = [name for name, _ in people][::-1]
    values = [_hours(m) for _, m in people][::-1]
    bars = bottom.barh(names, values, color=PALETTE[0], height=0.7)
    bottom.bar_label(bars, [data.number(v) for v in values], padding=4, fontsize=12)
    bottom.set_title(data.people_title, fontsize=15, loc="left")
    bottom.tick_params(axis="y", labelsize=13)
    bottom.tick_params(axis="x", labelsize=12)
    bottom.xaxis.set_major_formatter(numbers)
    bottom.set_xlabel(f"{data.hours_label}{hidden}", fontsize=13)
    bottom.set_xlim(0, max([*values, 1.0]) * 1.2)
    bottom.spines[["top", "right"]].set_visible(False)

    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="white")
    return buf.getvalue()

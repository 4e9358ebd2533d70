"""The recap chart: few bars, largest first, the rest in "others"; a PNG a phone can show."""

from __future__ import annotations

import struct
from dataclasses import replace

from commands.recap_chart import ChartData, fold_series, render


def test_fold_series_keeps_the_largest_and_adds_up_the_rest():
    series = [(f"P{i}", [i, 2 * i]) for i in range(1, 9)]
    folded = fold_series(series, keep=3, others="Autres")
    assert [name for name, _ in folded] == ["P8", "P7", "P6", "Autres (5)"]
    assert folded[-1][1] == [1 + 2 + 3 + 4 + 5, 2 * (1 + 2 + 3 + 4 + 5)]
    # one small series is shown as itself rather than as "others (1)"
    assert [n for n, _ in fold_series(series[:4], keep=3, others="Autres")] == [
        "P4",
        "P3",
        "P2",
        "P1",
    ]


def _data(people: int) -> ChartData:
    return ChartData(
        title="Heures données — 8 dernières semaines",
        buckets=[f"{d}/11" for d in range(1, 9)],
        series=[(f"P{i}", [60 * i] * 8) for i in range(1, 10)],
        people=[(f"Personne {i}", 600 - i) for i in range(people)],
        projects_title="Par semaine et par projet",
        people_title="Par personne",
        hours_label="heures",
        others_label="Autres",
        others_people=lambda n, hours: f"(+ {n} autres : {hours} h)",
    )


def test_people_not_shown_are_summed_up_in_words():
    assert _data(3).people_others_note(0) == ""
    assert _data(10).people_others_note(2) == " (+ 2 autres : 20 h)"


def test_numbers_on_the_chart_follow_the_language():
    french, english = _data(10), replace(_data(10), lang="en")
    assert [french.number(h) for h in (6.5, 6, 12.25)] == ["6,5", "6", "12"]
    assert [english.number(h) for h in (6.5, 6, 12.25)] == ["6.5", "6", "12"]
    people = replace(french, people=[("A", 600), ("B", 480), ("C", 390)])
    assert people.people_others_note(1) == " (+ 1 autres : 6,5 h)"


def test_render_is_a_portrait_png():
    png = render(_data(200))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert 600 <= width <= 1200 and height > width


def test_recap_catalogues_have_the_same_keys_and_placeholders():
    from commands.i18n import catalogue, placeholders

    fr = {k: v for k, v in catalogue("fr").items() if k.startswith("recap.")}
    en = {k: v for k, v in catalogue("en").items() if k.startswith("recap.")}
    assert fr.keys() == en.keys()
    for key in fr:
        assert placeholders(fr[key]) == placeholders(en[key]), key


def test_the_drawing_process_leaves_the_processor_to_the_chat_first() -> None:
    """Charts are drawn in a child process at a lower priority than the bot's: on a busy
    machine another room's command is served before the drawing."""
    import os

    from bot.render import DRAWING_NICENESS, Drawer

    drawer = Drawer(idle_seconds=60)
    try:
        assert drawer.draw(bytes, b"drawn") == b"drawn"
        (pid,) = drawer.child_pids()
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, own + DRAWING_NICENESS)
    finally:
        drawer.stop()

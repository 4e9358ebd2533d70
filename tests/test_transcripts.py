"""What people read, word for word: one conversation per family (``tests/families.py``), in French
and in English, played on the console and compared line by line with its approved transcript in
``tests/transcripts/<family>.<lang>.txt``. Any change of wording, of where an answer goes, or of
what a file holds shows in review as a change of those files.

A transcript that differs fails with the difference. When the change is wanted, approve it:
``CAGNOTTE_APPROVE=1 .venv/bin/python -m pytest tests/test_transcripts.py`` rewrites the files;
read their diff before committing them.

In a transcript, ``> bob [u3] !contrib 3h`` is what someone typed (``✏️`` an edit of ``u3``,
``🗑️`` its deletion, ``💶 → b7`` a reaction to the bot's ``b7``, ``✖ 💶 → b7`` its removal);
``< b8 ↪ u3 (fil u1)`` is the bot's answer ``b8``, a reply to ``u3`` in the thread of ``u1``;
``< b7 ✏️`` an edit of its message ``b7``; ``< 🤖 ✅ → b9`` its own reaction. Files show their
name, type and caption, and a CSV its lines.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Awaitable
from pathlib import Path

import pytest

from bot.adapters.console import Said
from tests.conftest import Chat
from tests.families import FAMILIES, Step

TRANSCRIPTS = Path(__file__).parent / "transcripts"
APPROVE = os.environ.get("CAGNOTTE_APPROVE", "") not in ("", "0")
PEOPLE = ("alice", "bob", "chloe", "carol")


class ConsoleRoom:
    """A console room that writes down everything said in it."""

    def __init__(self, chat: Chat, lang: str) -> None:
        self.chat = chat
        self.lang = lang
        self.lines: list[str] = []

    async def _act(self, header: str, act: Awaitable[str | None]) -> Step:
        adapter = self.chat.adapter
        before = len(adapter.transcript)
        typed = await act
        await self.chat.runtime.flush()
        if typed:
            header = header.replace("[?]", f"[{typed}]")
        self.lines.append(header)
        answers = []
        for said in adapter.transcript[before:]:
            self.lines.extend(render(said))
            if said.kind in ("text", "file"):
                answers.append(said.short_id)
        return Step(typed or "", answers)

    async def say(self, user: str, text: str, *, thread: str | None = None) -> Step:
        where = f" (fil {thread})" if thread else ""
        adapter = self.chat.adapter
        return await self._act(
            f"> {user} [?]{where} {shown(text)}", adapter.say(text, user=user, thread=thread)
        )

    async def edit(self, user: str, target: str, text: str) -> Step:
        adapter = self.chat.adapter
        return await self._act(
            f"> {user} ✏️ [{target}] {text}", _no_id(adapter.edit(target, text, user=user))
        )

    async def delete(self, user: str, target: str) -> Step:
        return await self._act(
            f"> {user} 🗑️ [{target}]", _no_id(self.chat.adapter.delete(target, user=user))
        )

    async def react(self, user: str, target: str, key: str) -> Step:
        return await self._act(
            f"> {user} {key} → {target}", _no_id(self.chat.adapter.react(target, key, user=user))
        )

    async def unreact(self, user: str, target: str, key: str) -> Step:
        return await self._act(
            f"> {user} ✖ {key} → {target}",
            _no_id(self.chat.adapter.unreact(target, key, user=user)),
        )


def shown(text: str) -> str:
    """What was typed, shortened when it is very long."""
    return text if len(text) <= 120 else f"{text[:40]}… ({len(text)} caractères)"


async def _no_id(act: Awaitable[object]) -> None:
    await act


def render(said: Said) -> list[str]:
    """How a transcript shows one thing the bot did."""
    if said.kind == "react":
        return [f"< 🤖 {said.text} → {said.reply_to}"]
    if said.kind == "edit":
        head = f"< {said.short_id} ✏️"
    else:
        head = f"< {said.short_id}"
        if said.reply_to:
            head += f" ↪ {said.reply_to}"
        if said.thread:
            head += f" (fil {said.thread})"
        if said.kind == "file":
            head += f" 📎 {said.file_name} ({said.mime})"
    out = [head, *(f"    {line}" for line in said.text.splitlines())]
    if said.kind == "file" and said.mime == "text/csv" and said.data is not None:
        content = said.data.decode("utf-8").removeprefix("\ufeff")
        out += [f"    | {line}" for line in content.splitlines()]
    return out


def compare(name: str, lines: list[str]) -> None:
    """``lines`` against the approved transcript ``name`` (rewritten with CAGNOTTE_APPROVE=1)."""
    path = TRANSCRIPTS / name
    text = "\n".join(lines) + "\n"
    if APPROVE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"no approved transcript {path}: run with CAGNOTTE_APPROVE=1 to write it")
    approved = path.read_text(encoding="utf-8")
    if approved != text:
        diff = "".join(
            difflib.unified_diff(
                approved.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"approved {name}",
                "now",
            )
        )
        pytest.fail(
            f"the conversation reads differently from tests/transcripts/{name}:\n{diff}\n"
            "If the change is wanted: CAGNOTTE_APPROVE=1 .venv/bin/python -m pytest "
            "tests/test_transcripts.py, then review the diff of tests/transcripts/.",
            pytrace=False,
        )


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("family", sorted(FAMILIES))
async def test_transcript(family: str, lang: str, chat: Chat) -> None:
    chat.adapter.session = "transcript"  # the platform ids that exports show
    for person in PEOPLE:
        await chat.join(person)
    room = ConsoleRoom(chat, lang)
    if lang != "fr":
        await room.say("alice", f"!langue {lang}")
    await FAMILIES[family](room)
    compare(f"{family}.{lang}.txt", [f"# {family} ({lang})", *room.lines])

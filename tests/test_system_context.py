"""What the bot does on its own (a timed duty, a scheduled recap or reminder) goes the way a
command goes: through a ``Context`` (``commands.core.system_context``), into the same outbox and
the same audit, with no second path that writes their rows by hand."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTBOX_AND_AUDIT = {"BotMessage", "Audit", "RenderJob"}


def _rows_made(path: Path) -> list[str]:
    """The outbox, audit and rendering rows ``path`` builds itself (``BotMessage(...)``)."""
    made = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name in OUTBOX_AND_AUDIT:
                made.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return made


def test_only_the_context_writes_the_outbox_and_the_audit():
    found = [
        row
        for path in sorted((ROOT / "commands").rglob("*.py"))
        if path.name != "core.py"
        for row in _rows_made(path)
    ]
    assert found == []

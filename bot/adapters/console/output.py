"""What the bot says at the console: each kind of outgoing item shown in the terminal (text,
file, edit, reaction, redaction, a direct message shown with whom it is for), files saved in the
files directory, and the transcript kept for tests."""

from __future__ import annotations

from pathlib import Path
from typing import assert_never

from bot.adapters.base import Direct, Edit, File, Outgoing, Reaction, Redaction, Text
from bot.adapters.console.base import ConsoleBase, Said


class ConsoleOutput(ConsoleBase):
    """``deliver``: what the bot does, shown in the terminal."""

    async def deliver(self, item: Outgoing) -> str | None:
        short = f"b{item.id}"
        reply = thread = None
        place = ""
        if isinstance(item, Text | File):
            reply = self._long.get(item.reply_to or "", item.reply_to)
            thread = self._long.get(item.thread_id or "", item.thread_id)
            if reply:
                place = f" ↪ {reply}"
            if thread:
                place += f" ({self.t('console.in_thread', id=thread)})"
        if isinstance(item, Reaction):
            target = self._long.get(item.target_event or "", item.target_event)
            text = f"[{item.room_id}] 🤖 {item.reaction_key} → {target}"
            self._show(Said(item.room_id, short, "react", item.reaction_key, target))
        elif isinstance(item, Redaction):
            target = self._long.get(item.target_event or "", item.target_event)
            text = f"[{item.room_id}] 🤖 ✗ {target}"
            self._show(Said(item.room_id, short, "redact", "", target))
        elif isinstance(item, Edit):
            target = self._long.get(item.target_platform_id or "", item.target_platform_id or "?")
            edited = self.t("console.edited")
            text = f"[{item.room_id}] 🤖 {target} ({edited}) :\n{_indent(item.body)}"
            self._show(Said(item.room_id, target, "edit", item.body))
        elif isinstance(item, Direct):
            # the console has no private conversations: it shows who the message is for
            who = item.recipient or "?"
            text = (
                f"[{item.room_id} → {who}, en privé / privately] 🤖 {short}\n{_indent(item.body)}"
            )
            self._show(Said(who, short, "direct", item.body))
        elif isinstance(item, File):
            path = self._save_file(item)
            where = f" → {path}" if path else ""
            size = self.t("console.bytes", size=len(item.data))
            text = (
                f"[{item.room_id}] 🤖 {short}{place} 📎 {item.file_name} ({size}){where}\n"
                f"{_indent(item.body)}"
            )
            self._show(
                Said(
                    item.room_id,
                    short,
                    "file",
                    item.body,
                    reply,
                    path,
                    item.data,
                    thread,
                    item.file_name,
                    item.mime,
                )
            )
        elif isinstance(item, Text):
            text = f"[{item.room_id}] 🤖 {short}{place}\n{_indent(item.body)}"
            self._show(Said(item.room_id, short, "text", item.body, reply, thread=thread))
        else:
            assert_never(item)
        self.out(text)
        platform_id = f"console-{short}" if not isinstance(item, Edit) else f"console-{short}-edit"
        self._long[platform_id] = short
        return platform_id

    def _show(self, said: Said) -> None:
        self.transcript.append(said)

    def _save_file(self, item: File) -> Path | None:
        if self.files_dir is None:
            return None
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / f"b{item.id}-{Path(item.file_name).name}"
        path.write_bytes(item.data)
        return path


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())

"""The console adapter: chat with the bot in a terminal, as one or several users in one or several
rooms, with no chat server. It implements the same adapter interface as Matrix and Mattermost.

Every message gets a short id that the other console commands take: ``u3`` for what users typed,
``b12`` for what the bot said. Type ``/aide`` in the console for its own commands. The console's
own messages are in the language of the room it is in (``!langue en`` switches them too).

The package: the console's state (``base``), what its people do (``users``), what the bot says
(``output``); the adapter and its interactive loop are here.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from bot.adapters.base import Host
from bot.adapters.console.base import DIRECT, Said
from bot.adapters.console.output import ConsoleOutput
from bot.adapters.console.users import ConsoleUsers
from commands.events import Role

__all__ = ["DIRECT", "ConsoleAdapter", "Said"]

log = logging.getLogger(__name__)


class ConsoleAdapter(ConsoleUsers, ConsoleOutput):
    """The console as a chat platform: attached to a host, driven by ``say``/``react``/...
    in tests, or by the lines typed in a terminal (``run``)."""

    def attach(self, host: Host) -> None:
        self._host = host
        host.add_adapter(self)

    async def close(self) -> None:
        return None

    # -- the interactive loop ----------------------------------------------------------------------
    async def run(self, host: Host) -> None:
        if self._host is None:
            self.attach(host)
        self.out(self.t("console.welcome"))
        self.out(self.t("console.you_are_in", user=self.user, room=self.room))
        loop = asyncio.get_running_loop()
        while True:
            try:
                line = await loop.run_in_executor(None, _read_line, f"{self.user}@{self.room}> ")
            except EOFError:
                break
            try:
                if not await self.command_line(line):
                    break
                await host.flush()
            except Exception:
                # one line never ends the console: the error is in the log
                log.exception("the console could not handle a line")
                self.out(self.t("console.line_failed"))

    async def command_line(self, line: str) -> bool:
        """Handle one typed line; ``False`` means quit."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith("/"):
            short = await self.say(line)
            self.out(f"   ({short})")
            return True
        word, _, rest = line[1:].partition(" ")
        args = rest.split()
        try:
            return await self._console_command(word.lower(), args, rest)
        except (KeyError, PermissionError) as err:
            self.out(str(err.args[0]) if err.args else self.t("console.missing"))
            return True
        except IndexError:
            self.out(self.t("console.missing"))
            return True

    async def _console_command(self, word: str, args: list[str], rest: str) -> bool:
        if word in ("quit", "exit", "q", "quitter"):
            return False
        if word in ("aide", "help", "h"):
            self.out(self.t("console.help"))
        elif word in ("as", "en", "user") and args:
            self.user = args[0].lstrip("@")
            self.out(self.t("console.you_are_now", user=self.user))
        elif word in ("room", "salon") and args:
            self.room = args[0].lstrip("#")
            self.out(self.t("console.room_now", room=self.room))
        elif word in ("dm", "mp", "prive"):
            self.room = f"{DIRECT}{self.user}"
            self.out(self.t("console.direct_now", room=self.room))
        elif word in ("fichier", "file") and args:
            short = await self.send_file(
                Path(args[0]), rest.split(" ", 1)[1] if len(args) > 1 else ""
            )
            self.out(f"   ({short})")
        elif word == "react" and len(args) >= 2:
            await self.react(args[0], args[1])
        elif word == "unreact" and len(args) >= 2:
            if not await self.unreact(args[0], args[1]):
                self.out(self.t("console.not_your_reaction"))
        elif word == "edit" and len(args) >= 2:
            await self.edit(args[0], rest.split(" ", 1)[1])
        elif word in ("delete", "del", "suppr") and args:
            await self.delete(args[0])
        elif word in ("thread", "fil") and len(args) >= 2:
            short = await self.say(rest.split(" ", 1)[1], thread=args[0])
            self.out(f"   ({short})")
        elif word == "role" and len(args) >= 2:
            role = Role.ADMIN if args[1].lower() in ("admin", "administrateur") else Role.MEMBER
            self.set_role(args[0], role)
            shown = self.t(f"console.role.{role.value}")
            self.out(self.t("console.role_set", user=args[0], role=shown, room=self.room))
        elif word in ("who", "qui"):
            shown = self.t(f"console.role.{self.role_of(self.user, self.room).value}")
            self.out(self.t("console.who", user=self.user, role=shown, room=self.room))
        else:
            self.out(self.t("console.unknown_command"))
        return True


def _read_line(prompt: str) -> str:
    if sys.stdin.isatty():
        return input(prompt)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line

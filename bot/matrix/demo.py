"""The zero-config demo: a private Synapse on 127.0.0.1 (kept in ``<data_dir>/synapse``), a bot
account, a ``demo`` user and a demo room, then the bot itself.

- The homeserver listens on the same port from one start to the next (8008, or the one it got
  the first time), so that a logged-in client keeps working after a restart.
- The bot runs with end-to-end encryption when matrix-nio's e2e extra is installed (``./dev run``
  installs it): Element makes direct messages encrypted.
- ``cagnotte demo add-user bob`` adds a second person (to try cobudget with two), in the demo
  room; ``demo`` is an administrator of this private homeserver only.
- ``cagnotte demo server`` runs the homeserver alone: a bot started meanwhile uses it and leaves
  it running when it stops, so commands sent while the bot was away can be tried. Otherwise the
  bot's homeserver stops with the bot (Ctrl-C, or the bot's process ending in any way).
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import redact
from bot.matrix.settings import MatrixSettings
from bot.matrix.synapse import Synapse
from bot.private import write_private

BOT_NAME = "cagnotte"
DEMO_NAME = "demo"
DEMO_PORT = 8008
ROOM_NAME = "Cagnotte (démo)"


def _words() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(3))


def encryption_available() -> bool:
    """Whether matrix-nio can encrypt here (its e2e extra, python-olm, is installed)."""
    try:
        from nio.crypto import ENCRYPTION_ENABLED
    except ImportError:  # pragma: no cover - nio always has the module
        return False
    return bool(ENCRYPTION_ENABLED)


@dataclass
class Demo:
    """The demo homeserver and what lives on it (``state``: passwords, room, port)."""

    server: Synapse
    state: dict[str, Any]
    state_path: Path
    owned: bool  # started by this process (stopped with it), or found running

    def save(self) -> None:
        write_private(self.state_path, json.dumps(self.state))

    def stop(self) -> None:
        if self.owned:
            self.server.stop()


def _answers(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_matrix/client/versions", timeout=2) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def open_demo(data_dir: str) -> Demo:
    """The demo homeserver, running: the one already running on its port (``cagnotte demo
    server``), else started here, on the port it had last time (8008 the first time)."""
    workdir = Path(data_dir) / "synapse"
    state_path = workdir / "demo.json"
    state: dict[str, Any] = json.loads(state_path.read_text()) if state_path.exists() else {}
    port = int(state.get("port") or DEMO_PORT)
    server = Synapse(workdir=workdir, preferred_port=port)
    if state.get("port") and _answers(f"http://127.0.0.1:{port}"):
        server.port = port
        return Demo(server, state, state_path, owned=False)
    server.start()
    demo = Demo(server, state, state_path, owned=True)
    if state.get("port") != server.port:
        state["port"] = server.port
        if state.get("bot_password"):
            demo.save()
    return demo


def prepare(data_dir: str) -> tuple[Demo, MatrixSettings]:
    """Start (or find) the demo homeserver and make sure the accounts and the room exist."""
    demo = open_demo(data_dir)
    server, state = demo.server, demo.state
    try:
        fresh = not state.get("bot_password")
        if fresh:
            state.update(bot_password=_words(), demo_password=_words(), port=server.port)
        redact.register(state["bot_password"], state.get("demo_password"))
        if fresh:
            server.register(BOT_NAME, state["bot_password"])
            demo_user = server.register(DEMO_NAME, state["demo_password"], admin=True)
            room = server._http(
                "POST",
                "/_matrix/client/v3/createRoom",
                {
                    "name": ROOM_NAME,
                    "topic": "Essayez !aide, !contrib 2h atelier, !contribs",
                    "preset": "private_chat",
                    "invite": [f"@{BOT_NAME}:localhost"],
                },
                token=demo_user["access_token"],
            )
            state["room_id"] = room["room_id"]
            demo.save()
    except BaseException:
        demo.stop()
        raise
    settings = MatrixSettings(
        homeserver=server.base_url,
        user_id=f"@{BOT_NAME}:localhost",
        password=state["bot_password"],
        allowed_homeservers=["localhost"],
        store_path=str(Path(data_dir) / "matrix-store"),
        sync_timeout_ms=30_000,
        encryption=encryption_available(),
    )
    return demo, settings


def _login(server: Synapse, user: str, password: str) -> str:
    answer = server._http(
        "POST",
        "/_matrix/client/v3/login",
        {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user},
            "password": password,
        },
    )
    token = str(answer["access_token"])
    redact.register(token)
    return token


def add_user(demo: Demo, name: str) -> tuple[str, str]:
    """Register ``name`` on the demo homeserver (once; a second time gives the same password)
    and put them in the demo room; returns (user id, password)."""
    server, state = demo.server, demo.state
    if not state.get("bot_password"):
        raise ValueError("the demo has not been set up yet: start it once with ./dev run")
    users: dict[str, str] = state.setdefault("users", {})
    user_id = f"@{name}:localhost"
    if name in users:
        return user_id, users[name]
    if name in (BOT_NAME, DEMO_NAME):
        raise ValueError(f"{user_id} already exists on the demo server")
    password = _words()
    redact.register(password)
    try:
        server.register(name, password)
    except RuntimeError as err:
        if "M_USER_IN_USE" in str(err):
            raise ValueError(f"{user_id} already exists on the demo server") from None
        raise
    users[name] = password
    demo.save()
    room = state.get("room_id")
    if room:
        inviter = _login(server, DEMO_NAME, state["demo_password"])
        server._http(
            "POST", f"/_matrix/client/v3/rooms/{room}/invite", {"user_id": user_id}, token=inviter
        )
        token = _login(server, name, password)
        server._http("POST", f"/_matrix/client/v3/rooms/{room}/join", {}, token=token)
        server._http(
            "PUT",
            "/_matrix/client/v3/profile/" + user_id + "/displayname",
            {"displayname": name.capitalize()},
            token=token,
        )
    return user_id, password


def instructions(demo: Demo) -> str:
    server, state = demo.server, demo.state
    if encryption_available():
        crypto = (
            "Chiffrement de bout en bout : actif (salons chiffrés et messages directs d'Element).\n"
            "End-to-end encryption: on (encrypted rooms and Element's direct messages work)."
        )
    else:
        crypto = (
            "Chiffrement de bout en bout : absent (l'extra e2e manque ; ./dev run l'installe).\n"
            "End-to-end encryption: off (the e2e extra is missing; ./dev run installs it)."
        )
    if demo.owned:
        lifetime = (
            "Ctrl-C (ou tout arrêt du bot) arrête aussi ce serveur. Pour le garder quand le bot\n"
            "s'arrête : lancez d'abord ./dev run demo server dans un autre terminal.\n"
            "Ctrl-C (or the bot stopping in any way) stops this server too. To keep it when the\n"
            "bot stops: start ./dev run demo server in another terminal first."
        )
    else:
        lifetime = (
            "Le serveur tourne à part (./dev run demo server) : Ctrl-C n'arrête que le bot.\n"
            "The server runs on its own (./dev run demo server): Ctrl-C stops the bot only."
        )
    return f"""
Serveur Matrix local prêt / local Matrix server ready
  URL du serveur / homeserver URL : {server.base_url}
  utilisateur / user              : {DEMO_NAME}  (@{DEMO_NAME}:localhost)
  mot de passe / password         : {state["demo_password"]}
  salon / room                    : « {ROOM_NAME} » {state.get("room_id", "")}
Connectez-vous avec n'importe quel client Matrix (Element : « Modifier » le serveur, entrez
l'URL ci-dessus). Log in with any Matrix client (Element: edit the homeserver, enter the URL).
Puis / then, dans le salon / in the room : !aide
« {DEMO_NAME} » administre ce serveur privé (et lui seul) / administers this private server only.
Une deuxième personne pour essayer le cobudget / a second person, to try cobudget:
  ./dev run demo add-user bob      (ou / or: cagnotte demo add-user bob)
{crypto}
{lifetime}
"""

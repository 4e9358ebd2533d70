"""The zero-config demo: a private Synapse on 127.0.0.1 (kept in ``<data_dir>/synapse``), a bot
account, a demo user and a demo room, then the bot itself. Ctrl-C stops both."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from bot import redact
from bot.matrix.settings import MatrixSettings
from bot.matrix.synapse import Synapse
from bot.private import write_private

BOT_NAME = "cagnotte"
DEMO_NAME = "demo"
DEMO_PORT = 8008


def _words() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(3))


def prepare(data_dir: str) -> tuple[Synapse, MatrixSettings, dict[str, Any]]:
    """Start the demo homeserver and make sure the accounts and the room exist."""
    workdir = Path(data_dir) / "synapse"
    server = Synapse(workdir=workdir, preferred_port=DEMO_PORT)
    server.start()
    try:
        state_path = workdir / "demo.json"
        state: dict[str, Any] = json.loads(state_path.read_text()) if state_path.exists() else {}
        fresh = not state.get("bot_password")
        if fresh:
            state = {"bot_password": _words(), "demo_password": _words()}
        redact.register(state["bot_password"], state.get("demo_password"))
        if fresh:
            server.register(BOT_NAME, state["bot_password"])
            demo = server.register(DEMO_NAME, state["demo_password"], admin=True)
            room = server._http(
                "POST",
                "/_matrix/client/v3/createRoom",
                {
                    "name": "Cagnotte (démo)",
                    "topic": "Essayez !aide, !contrib 2h atelier, !contribs",
                    "preset": "private_chat",
                    "invite": [f"@{BOT_NAME}:localhost"],
                },
                token=demo["access_token"],
            )
            state["room_id"] = room["room_id"]
            write_private(state_path, json.dumps(state))
    except BaseException:
        server.stop()
        raise
    settings = MatrixSettings(
        homeserver=server.base_url,
        user_id=f"@{BOT_NAME}:localhost",
        password=state["bot_password"],
        allowed_homeservers=["localhost"],
        store_path=str(Path(data_dir) / "matrix-store"),
        sync_timeout_ms=30_000,
    )
    return server, settings, state


def instructions(server: Synapse, state: dict[str, Any]) -> str:
    return f"""
Serveur Matrix local prêt / local Matrix server ready
  URL du serveur / homeserver URL : {server.base_url}
  utilisateur / user              : {DEMO_NAME}  (@{DEMO_NAME}:localhost)
  mot de passe / password         : {state["demo_password"]}
  salon / room                    : « Cagnotte (démo) » {state.get("room_id", "")}
Connectez-vous avec n'importe quel client Matrix (Element : « Modifier » le serveur, entrez
l'URL ci-dessus). Log in with any Matrix client (Element: edit the homeserver, enter the URL).
Puis / then, dans le salon / in the room : !aide
Ctrl-C arrête le bot et le serveur / stops the bot and the server.
"""

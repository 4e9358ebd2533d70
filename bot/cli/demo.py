"""``cagnotte demo``: the local Matrix demo server (``add-user NAME``, ``server``), its options and
what they do."""

from __future__ import annotations

import argparse
import re
import signal
import sys
import time
from typing import Any

from bot.cli.exits import EXIT_ERROR, EXIT_OK
from bot.config import Config


def add_demo_parser(sub: Any) -> None:
    demo = sub.add_parser(
        "demo", help="le serveur Matrix local de démonstration (celui de « run » sans plateforme)"
    )
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    add_user = demo_sub.add_parser(
        "add-user",
        help="ajouter une personne au serveur de démonstration et au salon de démo (ex. bob)",
    )
    add_user.add_argument("name", type=_user_name, help="son nom (lettres, chiffres, . _ -)")
    demo_sub.add_parser(
        "server",
        help="faire tourner le serveur de démonstration seul, jusqu'à Ctrl-C : un bot lancé "
        "pendant ce temps s'en sert et le laisse tourner quand il s'arrête",
    )


def _user_name(value: str) -> str:
    name = value.strip().lstrip("@").split(":", 1)[0].lower()
    if not re.fullmatch(r"[a-z0-9._=-]{1,64}", name):
        raise argparse.ArgumentTypeError(f"{value!r} : lettres, chiffres, . _ = - seulement")
    return name


def _interrupted(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def demo_command(config: Config, args: argparse.Namespace) -> int:
    """``cagnotte demo add-user NAME`` and ``cagnotte demo server``."""
    from bot.matrix import demo
    from bot.matrix.synapse import synapse_python

    if synapse_python() is None:
        print("cagnotte: Synapse n'est pas installé (./dev run l'installe)", file=sys.stderr)
        return EXIT_ERROR
    if args.demo_command == "server":
        running, _settings = demo.prepare(config.bot.data_dir)
        if not running.owned:
            print(f"Le serveur de démonstration tourne déjà : {running.server.base_url}")
            return EXIT_OK
        print(demo.instructions(running), flush=True)
        print(
            "Serveur seul : lancez le bot dans un autre terminal (./dev run) ; Ctrl-C arrête le "
            "serveur. / The server alone: start the bot in another terminal; Ctrl-C stops it.",
            flush=True,
        )
        signal.signal(signal.SIGTERM, _interrupted)
        proc = running.server.proc
        try:
            while proc is not None and proc.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            running.stop()
            print("Synapse arrêté / stopped.", file=sys.stderr)
        return EXIT_OK
    running = demo.open_demo(config.bot.data_dir)
    try:
        user_id, password = demo.add_user(running, args.name)
    except (ValueError, RuntimeError) as err:
        print(f"cagnotte: demo add-user: {err}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        running.stop()
    print(
        f"{user_id} : mot de passe / password {password}\n"
        f"Dans le salon « {demo.ROOM_NAME} » / in the demo room. Connectez-vous avec un autre "
        "client (ou une fenêtre privée) / log in from another client (or a private window): "
        f"{running.server.base_url}"
    )
    return EXIT_OK

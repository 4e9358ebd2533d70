"""The options of ``cagnotte`` and its subcommands (argparse); each group of subcommands adds
its own beside its code (``copy``, ``demo``, ``bot.data_cli``)."""

from __future__ import annotations

import argparse

from bot import data_cli
from bot.cli.copy import add_copy_parser
from bot.cli.demo import add_demo_parser
from bot.cli.exits import EPILOG


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cagnotte",
        description="Bot de contributions et de cobudget pour les collectifs (Matrix, Mattermost, console).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-c", "--config", help="fichier de configuration TOML (défaut : ./config.toml s'il existe)"
    )
    parser.add_argument(
        "--now",
        metavar="INSTANT",
        help="démarrer l'horloge du bot à cet instant (ISO, UTC par défaut : 2026-11-25T10:00), "
        "pour essayer ou tester sur une date connue ; aussi $CAGNOTTE_NOW",
    )
    sub = parser.add_subparsers(dest="command")
    console = sub.add_parser(
        "console", help="discuter avec le bot dans le terminal, sans serveur de chat"
    )
    console.add_argument("--user", help="personne au départ (défaut : alice)")
    console.add_argument("--room", help="salon au départ (défaut : general)")
    console.add_argument("--db", help="URL de base de données (défaut : fichier SQLite dans data/)")
    sub.add_parser(
        "run",
        help="lancer le bot sur les plateformes configurées ([matrix], [mattermost]) ; sans "
        "aucune, un serveur Matrix local de démonstration (Synapse sur 127.0.0.1)",
    )
    sub.add_parser("migrate", help="créer ou mettre à jour le schéma de la base de données")
    add_demo_parser(sub)
    data_cli.add_parsers(sub)
    add_copy_parser(sub)
    return parser

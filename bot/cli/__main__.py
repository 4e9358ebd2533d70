"""``python -m bot.cli``: the ``cagnotte`` command."""

from bot.cli import main

raise SystemExit(main())

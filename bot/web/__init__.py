"""The room pages, served by the bot's own process (``[web]`` in the configuration): see
``bot.web.server``."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from bot.config import Config

if TYPE_CHECKING:
    from bot.runtime import Runtime
    from bot.web.server import PageServer

log = logging.getLogger(__name__)


async def start_pages(runtime: Runtime, config: Config) -> PageServer | None:
    """Start the page server when ``[web]`` is configured; says where it listens. An address
    that cannot be listened on is logged, and the bot runs without its pages."""
    if config.web is None:
        return None
    from bot.web.server import PageServer

    server = PageServer(runtime, config.web)
    try:
        url = await server.start()
    except OSError as err:
        log.error("the room pages cannot listen on %s ([web] listen): %s", config.web.listen, err)
        await server.stop()
        return None
    runtime.settings.page_url = url  # the port listened on, when any free one was asked for
    print(
        f"Pages des salons / room pages: {url} — !page dans un salon donne son lien "
        "/ !page in a room gives its link",
        file=sys.stderr,
        flush=True,
    )
    log.info("room pages at %s", url)
    return server

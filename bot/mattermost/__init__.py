"""Mattermost: the client (``rest``, ``stream``) and the parts ``bot.adapters.mattermost`` is built
from (``core``, ``lookups``, ``inbound``, ``catchup``, ``outbound``), its settings, Markdown
safety and emoji names."""

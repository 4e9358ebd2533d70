"""Process-wide settings that handlers may read (from the config file)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Settings:
    """Process-wide settings that handlers may read (from the config file)."""

    prefix: str = "!"
    default_language: str = "fr"
    default_timezone: str = "Europe/Paris"
    default_currency: str = "EUR"
    max_body_chars: int = 4000
    page_url: str = ""  # where the room pages are served (empty: no page)

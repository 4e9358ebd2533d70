"""Mattermost: a thin async client (REST v4 and WebSocket) used by ``bot.adapters.mattermost``."""

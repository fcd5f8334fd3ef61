"""Rasa-side add-ons (loaded by the Rasa server only): the safeguarding NLU component, and the
speed-ups in ``speedups`` (applied on import, since Rasa imports this package at start-up)."""
from bot.rasa_addons import speedups as _speedups

_speedups.apply()

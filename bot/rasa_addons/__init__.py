"""Modules loaded only by the Rasa server (its own environment). Nothing in the app imports them."""

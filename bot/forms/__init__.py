"""The conversation's forms, declared once (registry), and how their slots are stored (codecs)."""

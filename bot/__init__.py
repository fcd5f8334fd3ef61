"""NHS careers adviser: the domain core (catalogue, bookings, matching, safeguarding).

Nothing in this package imports Rasa; the Rasa server reaches it only over HTTP, through the
action server in ``actions/``.
"""

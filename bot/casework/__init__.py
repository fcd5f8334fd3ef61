"""Things staff follow up: safeguarding flags and requests to talk to a person."""

"""The shared kernel: what every context uses and none owns (the unit of work's interface and
the reply types the bot sends). It imports no context, so the contexts never import each other
through it."""

"""NLU components for the Rasa pipeline (config.yml): sentence-embedding features, the blank
message classifier and the safeguarding classifier. Importing this package applies the Rasa
server's speed-ups (``bot.rasa_server.speedups``), since Rasa imports it at start-up."""
from bot.rasa_server import speedups as _speedups

_speedups.apply()

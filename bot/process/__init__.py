"""Process orchestration: start, watch and stop the services (``supervisor``: one of each for
``make run``; ``scaled``: two Rasa replicas and two action servers behind nginx)."""

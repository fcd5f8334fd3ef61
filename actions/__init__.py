"""Custom actions: thin rasa_sdk adapters onto the domain core in ``bot/``.

The action server (``python -m rasa_sdk --actions actions``) imports every module here.
"""

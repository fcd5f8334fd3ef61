"""Code the Rasa server loads (its own environment, rasa 3.6.21): input/output channels
(``channels``), NLU components (``nlu``) and the speed-ups they apply (``speedups``).

Nothing here is imported by the app, the action server or the web edge.
"""

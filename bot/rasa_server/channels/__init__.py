"""Rasa input/output channels, loaded only by the Rasa server (its own environment).

Modules here import only the standard library, rasa, aiogram and sanic: nothing from the app.
"""

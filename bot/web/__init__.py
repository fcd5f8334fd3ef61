"""The web app on port 8000: a chat page, the public role list, health checks."""

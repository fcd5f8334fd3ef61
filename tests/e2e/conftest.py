"""Fixtures for these tests live in tests/e2e/stack.py (registered in tests/conftest.py)."""
from tests.e2e.stack import Chat, free_port  # noqa: F401  (imported by bench/ and scripts/)

"""Rasa-side speed-ups, applied when the Rasa server loads our pipeline component.

1. Bounded sessions. Rasa's time per turn grows with the events in the current session (every
   prediction replays them), so a long conversation gets slower and slower. A session here also
   ends after ``RASA_MAX_SESSION_EVENTS`` events (default 150, about 25 turns) when no form is
   active: Rasa then runs ``action_session_start`` as it does when a session times out, and the
   slots carry over (``carry_over_slots_to_new_session: true``), so the person notices nothing.
   The SQL tracker store loads only the current session, so the work per turn stays flat.

2. Action result validation (below).

``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which checks the *schema
itself* against the JSON Schema meta-schema on every custom action call. Profiling our server
with py-spy under load showed that one call was about a third of the Rasa process's CPU time.
The schema (``RemoteAction.action_response_format_spec()``) never changes, so we check it once
and keep one validator: the action server's answers are validated exactly as before.
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator() -> Any:
    spec = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(spec)
    cls.check_schema(spec)
    return cls(spec)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions")
        raise error
    return True


MAX_SESSION_EVENTS = int(os.environ.get("RASA_MAX_SESSION_EVENTS", "150"))
_timed_out = MessageProcessor._has_session_expired


def session_length(tracker: Any) -> int:
    """Events since the current session started."""
    count = 0
    for event in reversed(tracker.events):
        if getattr(event, "type_name", "") == "session_started":
            break
        count += 1
    return count


def _has_session_expired(self: MessageProcessor, tracker: Any) -> bool:
    if _timed_out(self, tracker):
        return True
    return (self.domain.session_config.are_sessions_enabled() and not tracker.active_loop_name
            and session_length(tracker) > MAX_SESSION_EVENTS)


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    MessageProcessor._has_session_expired = _has_session_expired  # type: ignore[method-assign]


__all__ = ["apply", "ValidationError"]

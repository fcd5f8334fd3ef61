"""Validate and normalise a contact route someone gives us (email or UK mobile number)."""
from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email


@dataclass(frozen=True)
class Contact:
    method: str   # "email" | "phone"
    value: str    # normalised: lower-case email, or E.164 phone number


def parse_contact(text: str) -> Contact | None:
    """An email address or a UK phone number from ``text``, or None if it is neither."""
    text = (text or "").strip()
    if not text or len(text) > 254:
        return None
    if "@" in text:
        try:
            result = validate_email(text, check_deliverability=False)
        except EmailNotValidError:
            return None
        return Contact("email", result.normalized.lower())
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return Contact("phone", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))

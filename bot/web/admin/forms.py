"""Form fields and validators shared by the admin views (clear messages next to the field)."""
from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup
from pydantic import ValidationError
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import ValidationError as FieldError

from bot.catalogue.schema import BANDS

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
STALE_AFTER = dt.timedelta(days=365)
BAND_CHOICES = [("", "No band (give a pay note)")] + [(b, f"Band {b}") for b in BANDS]


class LinesField(TextAreaField):
    """A list of short texts, typed one per line."""

    def _value(self) -> str:
        return "\n".join(self.data or [])

    def process_formdata(self, valuelist) -> None:
        text = valuelist[0] if valuelist else ""
        self.data = [line.strip() for line in str(text).splitlines() if line.strip()]


class OptionalSelect(SelectField):
    """A select whose empty choice means "none" (stored as NULL)."""

    def process_data(self, value) -> None:
        super().process_data("" if value is None else value)


class MultiSelect(SelectMultipleField):
    def process_data(self, value) -> None:
        super().process_data(list(value or []))


def http_url(optional: bool = False):
    def check(form, field) -> None:
        value = (field.data or "").strip()
        if not value and optional:
            return
        if not _URL.match(value):
            raise FieldError("Give a full web address starting with http:// or https://")
    return check


def afc_band(form, field) -> None:
    if field.data and field.data not in BANDS:
        raise FieldError(f"Choose an Agenda for Change band: {', '.join(BANDS)}")


def not_in_future(form, field) -> None:
    if isinstance(field.data, dt.date) and field.data > dt.date.today():
        raise FieldError("This date is in the future: give the day the page was checked")


def pay_year(form, field) -> None:
    if not re.fullmatch(r"\d{4}/\d{2}", field.data or ""):
        raise FieldError("Write the pay year like 2025/26")
    start, end = field.data.split("/")
    if (int(start) + 1) % 100 != int(end):
        raise FieldError("The second year must follow the first, e.g. 2025/26")


def friendly(exc: ValidationError) -> str:
    """A pydantic error as one readable sentence per problem."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "form"
        parts.append(f"{where.replace('_', ' ')}: {err['msg'].removeprefix('Value error, ')}")
    return "Please fix: " + "; ".join(parts)


def is_stale(reviewed_on: dt.date | None, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return reviewed_on is None or today - reviewed_on > STALE_AFTER


def reviewed_badge(model, attribute) -> Markup:
    """The reviewed-on date, flagged when older than 12 months."""
    value = getattr(model, attribute)
    if is_stale(value):
        return Markup('{} <span class="badge bg-red text-red-fg" title="Not reviewed for over '
                      '12 months">review due</span>').format(value)
    return Markup("{}").format(value)


def source_link(model, attribute) -> Markup:
    url = getattr(model, attribute) or ""
    if not _URL.match(url):
        return Markup("{}").format(url)
    return Markup('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>').format(url, url)

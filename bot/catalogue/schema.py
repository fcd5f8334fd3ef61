"""Validated shapes of catalogue content: what seed files, CSV/YAML and the admin exchange.

Validation lives here once, so the CLI importer and the admin refuse the same bad input.
"""
from __future__ import annotations

import datetime as dt
import re
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

BANDS: tuple[str, ...] = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")

CAREER_AREAS: dict[str, str] = {
    "allied-health-professions": "Allied health professions",
    "ambulance-service-team": "Ambulance service team",
    "dental-team": "Dental team",
    "doctors": "Doctors",
    "healthcare-science": "Healthcare science",
    "health-informatics": "Health informatics (digital, data and IT)",
    "management": "Management",
    "medical-associate-professions": "Medical associate professions",
    "midwifery": "Midwifery",
    "nursing": "Nursing",
    "pharmacy": "Pharmacy",
    "psychological-therapies": "Psychological therapies",
    "public-health": "Public health",
    "wider-healthcare-team": "Wider healthcare team",
}

INTEREST_TAGS = ("people", "science", "tech", "hands-on", "organising", "creative")
TRAINING_TAGS = ("train-short", "train-medium", "train-long")
TAGS: tuple[str, ...] = INTEREST_TAGS + ("patient-facing", "children", "blood") + TRAINING_TAGS

# care-leaver, funding, pathways, general: support content; the rest: the answer bank
# (answers.yaml), questions beyond one role's page, found by meaning from their aliases.
CONTENT_TOPICS = ("care-leaver", "funding", "pathways", "general",
                  "money", "applying", "eligibility", "working-life", "pay")

ROUTE_KINDS = (
    "apprenticeship", "t-level", "access", "degree", "foundation-degree", "pre-employment",
    "volunteering", "cadets", "work-experience", "on-the-job", "postgraduate", "funding",
)



class WorkingPattern(str, Enum):
    """When a role's hours usually fall (a role can have several)."""

    OFFICE_HOURS = "office-hours"
    SHIFTS = "shifts"
    NIGHTS = "nights"
    WEEKENDS = "weekends"
    ON_CALL = "on-call"


class DrivingLicence(str, Enum):
    """Whether the job or its training needs a driving licence."""

    REQUIRED = "required"
    OFTEN = "often"  # many posts ask for one (e.g. community roles), not all
    NOT_NEEDED = "not-needed"


# Role facts beyond the page's prose; a fact from a second page names it in field_sources.
ROLE_FACT_FIELDS = (
    "gcse", "a_levels", "ucas_tariff_min", "ucas_tariff_max", "training_years_min",
    "training_years_max", "earn_while_training", "learning_support_fund", "driving_licence",
    "special_requirements", "working_pattern",
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def band_rank(band: str) -> int:
    """Position of ``band`` in the Agenda for Change order (``"8a"`` sits between 7 and 8b)."""
    return BANDS.index(band)


class _Content(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    @field_validator("slug", check_fields=False)
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError("use lower-case letters, digits and single hyphens, e.g. 'dental-nurse'")
        return v

    @field_validator("source_url", check_fields=False)
    @classmethod
    def _url(cls, v: str) -> str:
        if not _URL.match(v):
            raise ValueError("must be a full web address starting with http:// or https://")
        return v


class RoleData(_Content):
    slug: str
    title: str = Field(min_length=2, max_length=160)
    aliases: list[str] = Field(default_factory=list)
    career_area: str
    summary: str = Field(min_length=10)
    day_to_day: str = ""
    entry_requirements: str = ""
    entry_routes: list[str] = Field(default_factory=list)
    band_min: str | None = None
    band_max: str | None = None
    pay_note: str | None = None
    registration_body: str | None = None
    tags: list[str] = Field(default_factory=list)
    works_with: str = ""
    hours: str = ""
    progression: str = ""
    gcse: str | None = None
    a_levels: str | None = None
    ucas_tariff_min: int | None = Field(default=None, ge=0, le=300)
    ucas_tariff_max: int | None = Field(default=None, ge=0, le=300)
    training_years_min: float | None = Field(default=None, ge=0, le=20)
    training_years_max: float | None = Field(default=None, ge=0, le=20)
    earn_while_training: bool | None = None
    learning_support_fund: bool | None = None
    driving_licence: DrivingLicence | None = None
    special_requirements: str | None = None
    working_pattern: list[WorkingPattern] = Field(default_factory=list)
    field_sources: dict[str, str] = Field(default_factory=dict)
    source_url: str
    reviewed_on: dt.date

    @field_validator("ucas_tariff_min", "ucas_tariff_max", "training_years_min",
                     "training_years_max", "earn_while_training", "learning_support_fund",
                     "driving_licence", mode="before")
    @classmethod
    def _empty_is_not_stated(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("field_sources", mode="before")
    @classmethod
    def _no_sources(cls, v: object) -> object:
        return {} if v is None or v == "" else v

    @field_validator("field_sources")
    @classmethod
    def _field_sources(cls, v: dict[str, str]) -> dict[str, str]:
        for field, url in v.items():
            if field not in cls.model_fields or field in ("slug", "source_url", "reviewed_on"):
                raise ValueError(f"field_sources names {field!r}, which is not a role fact")
            if not _URL.match(url):
                raise ValueError(f"field_sources[{field!r}] must be a full web address")
        return v

    @field_validator("career_area")
    @classmethod
    def _area(cls, v: str) -> str:
        if v not in CAREER_AREAS:
            raise ValueError(f"unknown career area {v!r}; use one of {', '.join(CAREER_AREAS)}")
        return v

    @field_validator("band_min", "band_max", mode="before")
    @classmethod
    def _band(cls, v: object) -> str | None:
        if v is None or v == "":
            return None
        band = str(v).strip().lower().removeprefix("band").strip()
        if band not in BANDS:
            raise ValueError(f"{v!r} is not an Agenda for Change band ({', '.join(BANDS)})")
        return band

    @field_validator("pay_note", "registration_body", "gcse", "a_levels",
                     "special_requirements", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(TAGS))
        if unknown:
            raise ValueError(f"unknown tags {unknown}; allowed: {', '.join(TAGS)}")
        return v

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, v: list[str]) -> list[str]:
        seen: list[str] = []
        for alias in (a.strip() for a in v):
            if alias and alias.lower() not in {s.lower() for s in seen}:
                seen.append(alias)
        return seen

    @model_validator(mode="after")
    def _band_order(self) -> RoleData:
        if (self.band_min is None) != (self.band_max is None):
            raise ValueError("give both band_min and band_max, or neither")
        if self.band_min and band_rank(self.band_min) > band_rank(self.band_max):  # type: ignore[arg-type]
            raise ValueError("band_min is above band_max")
        if self.band_min is None and not self.pay_note:
            raise ValueError("a role with no Agenda for Change band needs a pay_note")
        for low, high in (("ucas_tariff_min", "ucas_tariff_max"),
                          ("training_years_min", "training_years_max")):
            lo, hi = getattr(self, low), getattr(self, high)
            if (lo is None) != (hi is None):
                raise ValueError(f"give both {low} and {high}, or neither")
            if lo is not None and lo > hi:
                raise ValueError(f"{low} is above {high}")
        return self


class RouteData(_Content):
    slug: str
    name: str = Field(min_length=2)
    aliases: list[str] = Field(default_factory=list)
    kind: str
    level: str | None = None
    summary: str = Field(min_length=10)
    details: str = ""
    min_age: int | None = Field(default=None, ge=10, le=99)
    source_url: str
    reviewed_on: dt.date

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in ROUTE_KINDS:
            raise ValueError(f"unknown kind {v!r}; use one of {', '.join(ROUTE_KINDS)}")
        return v

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, v: object) -> str | None:
        return None if v is None or v == "" else str(v)


class ContentData(_Content):
    """A piece of sourced guidance staff can edit (e.g. support for care leavers)."""

    slug: str
    topic: str
    title: str = Field(min_length=2, max_length=200)
    aliases: list[str] = Field(default_factory=list)
    summary: str = Field(min_length=10)
    details: str = ""
    related_roles: list[str] = Field(default_factory=list)
    related_routes: list[str] = Field(default_factory=list)
    source_url: str
    reviewed_on: dt.date

    @field_validator("topic")
    @classmethod
    def _topic(cls, v: str) -> str:
        if v not in CONTENT_TOPICS:
            raise ValueError(f"unknown topic {v!r}; use one of {', '.join(CONTENT_TOPICS)}")
        return v


class BandPay(BaseModel):
    model_config = ConfigDict(extra="forbid")
    band: str
    minimum: int = Field(gt=0)
    maximum: int = Field(gt=0)

    @field_validator("band", mode="before")
    @classmethod
    def _band(cls, v: object) -> str:
        band = str(v).strip().lower()
        if band not in BANDS:
            raise ValueError(f"{v!r} is not an Agenda for Change band")
        return band

    @model_validator(mode="after")
    def _order(self) -> BandPay:
        if self.minimum > self.maximum:
            raise ValueError("minimum is above maximum")
        return self


class PayTableData(_Content):
    pay_year: str = Field(pattern=r"^\d{4}/\d{2}$")
    nation: str = "England"
    source_url: str
    reviewed_on: dt.date
    bands: list[BandPay]


class CatalogueData(BaseModel):
    """A whole catalogue: what YAML export writes and import reads."""

    model_config = ConfigDict(extra="forbid")
    roles: list[RoleData] = Field(default_factory=list)
    entry_routes: list[RouteData] = Field(default_factory=list)
    content: list[ContentData] = Field(default_factory=list)
    pay_tables: list[PayTableData] = Field(default_factory=list)

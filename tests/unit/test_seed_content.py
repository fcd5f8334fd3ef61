"""The bundled seed content: valid, broad, sourced, dated and written in plain English."""
from __future__ import annotations

import collections
import datetime as dt
from urllib.parse import urlsplit

import pytest
import textstat

from bot.catalogue import io
from bot.catalogue.schema import CAREER_AREAS, TRAINING_TAGS
from bot.cli import SEED_DIR

SEED = io.read(SEED_DIR)
# NHS and government sites, regulators, and the professions' own colleges and societies.
TRUSTED_SUFFIXES = (".nhs.uk", ".nhs.scot", ".nhs.wales", ".gov.uk", "nhsemployers.org", "nshcs.org.uk",
                    "hcpc-uk.org", "nmc.org.uk", "gdc-uk.org", "gmc-uk.org", "pharmacyregulation.org",
                    "ukphr.org", "bps.org.uk", "ficm.ac.uk", "aft.org.uk", "cieh.org", "rcn.org.uk",
                    "rcm.org.uk", "collegeofparamedics.co.uk", "csp.org.uk", "rcot.co.uk",
                    "rcslt.org", "bda.uk.com", "rcr.ac.uk", "rcgp.org.uk", "rcpsych.ac.uk",
                    "bacp.co.uk", "ukcp.org.uk", "babcp.com", "rpharms.com", "rcpath.org",
                    # Bodies that run an entry route: QAA (Access to HE), St John Ambulance (NHS
                    # Cadets) and the Medical Schools Council.
                    "qaa.ac.uk", "sja.org.uk", "medschools.ac.uk",
                    # The Royal College of Surgeons; the Student Loans Company (a public body).
                    "rcseng.ac.uk", "slc.co.uk")


def trusted(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return any(host == s.lstrip(".") or host.endswith(s if s.startswith(".") else "." + s)
               or host == s for s in TRUSTED_SUFFIXES)


def test_at_least_120_roles_in_every_career_area():
    assert len(SEED.roles) >= 120
    per_area = collections.Counter(r.career_area for r in SEED.roles)
    assert set(per_area) == set(CAREER_AREAS), f"missing: {set(CAREER_AREAS) - set(per_area)}"


def test_slugs_titles_and_aliases_are_unique():
    slugs = [r.slug for r in SEED.roles]
    assert len(slugs) == len(set(slugs))
    owner: dict[str, str] = {}
    for role in SEED.roles:
        for name in [role.title, *role.aliases]:
            key = name.lower()
            assert owner.setdefault(key, role.slug) == role.slug, f"{name!r}: {owner[key]} and {role.slug}"


@pytest.mark.parametrize("role", SEED.roles, ids=lambda r: r.slug)
def test_role_is_sourced_dated_and_complete(role):
    assert trusted(role.source_url), f"not a trusted public source: {role.source_url}"
    assert dt.date(2025, 1, 1) <= role.reviewed_on <= dt.date.today()
    assert role.entry_requirements and role.entry_routes
    assert sum(tag in TRAINING_TAGS for tag in role.tags) == 1


@pytest.mark.parametrize("route", SEED.entry_routes, ids=lambda r: r.slug)
def test_entry_route_is_sourced_from_a_trusted_page(route):
    assert trusted(route.source_url), f"not a trusted public source: {route.source_url}"
    assert dt.date(2025, 1, 1) <= route.reviewed_on <= dt.date.today()


def test_routes_cover_every_slug_roles_use():
    routes = {r.slug for r in SEED.entry_routes}
    used = {slug for role in SEED.roles for slug in role.entry_routes}
    assert used <= routes


def test_current_england_pay_table_is_complete():
    (table,) = [t for t in SEED.pay_tables if t.nation == "England"]
    bands = {b.band for b in table.bands}
    assert {"2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"} <= bands
    ordered = sorted(table.bands, key=lambda b: b.minimum)
    assert [b.minimum for b in ordered] == sorted(b.minimum for b in table.bands)


def _ease(text: str) -> float:
    return textstat.flesch_reading_ease(text)


def test_summaries_are_plain_english():
    """Every role summary scores Flesch reading ease >= 60."""
    scores = {r.slug: _ease(r.summary) for r in SEED.roles}
    hard = {slug: round(s) for slug, s in scores.items() if s < 60}
    assert not hard, f"too hard to read: {hard}"


def test_care_leaver_content_is_sourced_and_plain():
    items = [c for c in SEED.content if c.topic == "care-leaver"]
    assert {"care-leaver-what-changes", "nhs-universal-family-programme", "guaranteed-interview-schemes",
            "care-leaver-apprenticeship-bursary", "care-leaver-16-19-bursary", "care-leaver-he-bursary",
            "personal-adviser"} <= {c.slug for c in items}
    for item in SEED.content:
        assert trusted(item.source_url), item.source_url
        assert _ease(item.summary) >= 50, item.slug

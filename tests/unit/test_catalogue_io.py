"""Import/export: validation, upserts, lossless YAML and CSV round trips."""
from __future__ import annotations

import pytest
import yaml

from bot.catalogue import io
from bot.catalogue.schema import RoleData


def test_load_counts(uow_factory, catalogue_data):
    result = io.load(uow_factory(), catalogue_data)
    assert (result.roles_added, result.roles_updated, result.routes, result.pay_bands) == (4, 0, 3, 3)
    again = io.load(uow_factory(), catalogue_data)
    assert (again.roles_added, again.roles_updated) == (0, 4)


@pytest.mark.parametrize("suffix", [".yaml", ".csv"])
def test_round_trip_is_lossless(seeded, uow_factory, tmp_path, suffix):
    first = io.dump(seeded())
    path = tmp_path / f"catalogue{suffix}"
    io.write(first, path)
    back = io.read(path)
    assert back.roles == first.roles
    if suffix == ".yaml":
        assert back == first
    # and loading the file into a fresh database gives the same export again
    io.load(uow_factory(), back)
    assert io.dump(uow_factory()).roles == first.roles


def test_csv_keeps_awkward_text(seeded, uow_factory, tmp_path, catalogue_data):
    role = catalogue_data.roles[0].model_copy(update={
        "aliases": ['a "quoted", alias', "semi; colon | pipe"],
        "summary": "Line one.\nLine two, with a comma and ünïcödé – and <b>tags</b>.",
    })
    io.load(uow_factory(), io.CatalogueData(roles=[role]))
    path = tmp_path / "roles.csv"
    io.write(io.dump(uow_factory()), path)
    back = {r.slug: r for r in io.read(path).roles}
    assert back[role.slug] == role


def test_aliases_are_replaced_not_duplicated(seeded, uow_factory, catalogue_data):
    role = catalogue_data.roles[0].model_copy(update={"aliases": ["medic"]})
    io.load(uow_factory(), io.CatalogueData(roles=[role]))
    with uow_factory() as uow:
        assert [a.alias for a in uow.catalogue.get_role(role.slug).aliases] == ["medic"]


@pytest.mark.parametrize("change, message", [
    ({"band_min": "10"}, "not an Agenda for Change band"),
    ({"band_min": "7", "band_max": "5"}, "band_min is above band_max"),
    ({"tags": ["wizardry"]}, "unknown tags"),
    ({"source_url": "healthcareers"}, "full web address"),
    ({"career_area": "space"}, "unknown career area"),
    ({"slug": "Not A Slug"}, "lower-case"),
    ({"band_min": None, "band_max": None, "pay_note": None}, "needs a pay_note"),
])
def test_bad_roles_are_refused_with_a_clear_reason(catalogue_data, change, message):
    raw = catalogue_data.roles[0].model_dump() | change
    with pytest.raises(ValueError, match=message):
        RoleData.model_validate(raw)


def test_unknown_route_is_refused(uow_factory, catalogue_data):
    role = catalogue_data.roles[0].model_copy(update={"entry_routes": ["time-travel"]})
    with pytest.raises(io.ImportProblem, match="time-travel"):
        io.load(uow_factory(), io.CatalogueData(entry_routes=catalogue_data.entry_routes, roles=[role]))
    with uow_factory() as uow:  # nothing half-written
        assert uow.catalogue.version()[0] == 0


def test_bad_file_reports_line(tmp_path):
    path = tmp_path / "roles.csv"
    path.write_text("slug,title\nBad Slug,x\n", encoding="utf-8")
    with pytest.raises(io.ImportProblem, match="line 2"):
        io.read(path)


def test_unsupported_extension(tmp_path):
    with pytest.raises(io.ImportProblem, match="yaml"):
        io.read(tmp_path / "roles.txt")


def test_yaml_export_is_reviewable(seeded, tmp_path):
    path = tmp_path / "out.yaml"
    io.write(io.dump(seeded()), path)
    doc = yaml.safe_load(path.read_text())
    assert doc["roles"][0]["slug"] == "diagnostic-radiographer"
    assert doc["pay_tables"][0]["pay_year"] == "2025/26"

"""The CSV and XLSX downloads hold the same numbers as the page, and the anonymised export holds no person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .helpers import csv_rows, csv_tables, page_tables, same_number, to_number, xlsx_tables

pytestmark = pytest.mark.django_db


def _same(page_text: str, exported, language: str) -> bool:
    try:
        to_number(page_text, language)
    except ValueError:  # a text cell (the role type) or an empty one
        return (exported or "") == page_text
    return same_number(page_text, exported, language)


def assert_downloads_match(client, page_name: str, download_name: str, params: dict, language: str = "nb"):
    page = client.get(reverse(page_name), params, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    shown = page_tables(page.content.decode())
    assert shown, "the page shows no tables"
    csv_response = client.get(reverse(download_name), {**params, "format": "csv"}, HTTP_ACCEPT_LANGUAGE=language)
    xlsx_response = client.get(reverse(download_name), {**params, "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE=language)
    assert csv_response["Content-Type"].startswith("text/csv")
    assert xlsx_response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in csv_response["Content-Disposition"]
    in_csv = csv_tables(csv_response.content)
    in_xlsx = xlsx_tables(xlsx_response.content)
    assert set(shown) <= set(in_csv) and set(shown) <= set(in_xlsx)
    compared = 0
    for table_id, rows in shown.items():
        sheet = in_xlsx[table_id]
        by_label = {str(r[0]): r[1:] for r in sheet if r and r[0] is not None}
        for key, cells in rows.items():
            label, cells = cells[0], cells[1:]
            exported = in_csv[table_id][key]
            assert len(exported) == len(cells), (table_id, key)
            xlsx_row = by_label[label]
            for page_text, csv_value, xlsx_value in zip(cells, exported, xlsx_row, strict=False):
                assert _same(page_text, csv_value, language), (table_id, key, page_text, csv_value)
                assert _same(page_text, xlsx_value, language), (table_id, key, page_text, xlsx_value)
                compared += 1
    return compared, csv_response, xlsx_response


def test_unit_dashboard_downloads_match_the_page(client, stats_world):
    client.force_login(stats_world.unit_leader)
    compared, csv_response, _x = assert_downloads_match(client, "stats:dashboard", "stats:unit_download", {"uker": 8})
    assert compared > 50
    assert "Test Bk2" in csv_response.content.decode("utf-8-sig")  # the unit sees its coordinators by name


@pytest.mark.parametrize("language", ["nb", "en"])
def test_municipal_downloads_match_the_page_for_the_unit_leader(client, stats_world, language):
    client.force_login(stats_world.unit_leader)
    compared, _c, _x = assert_downloads_match(client, "stats:municipal", "stats:municipal_download", {}, language)
    assert compared > 80


def test_municipal_downloads_match_the_protected_page_for_a_municipal_leader(client, stats_world):
    client.force_login(stats_world.leader)
    _n, csv_response, _x = assert_downloads_match(client, "stats:municipal", "stats:municipal_download", {})
    rows = csv_rows(csv_response.content)
    hidden = [r for r in rows if r["value"] == ":"]
    assert hidden and all(r["table"] != "about" for r in hidden)


def test_the_anonymised_export_matches_its_page_and_holds_no_person(client, stats_world):
    w = stats_world
    client.force_login(w.leader)
    _n, csv_response, xlsx_response = assert_downloads_match(client, "stats:export", "stats:export_download", {})
    text = csv_response.content.decode("utf-8-sig")
    cells = " ".join(str(v) for rows in xlsx_tables(xlsx_response.content).values() for r in rows for v in r)
    for person in (w.bk, w.bk2, w.bk3, w.caseworker, w.leader):
        assert person.get_full_name() not in text and person.get_full_name() not in cells
    for family in (w.f1, w.f2, w.f3, w.f10, *w.queue):
        assert family.display_name not in text and family.display_name not in cells
    tables = csv_tables(csv_response.content)
    # figures about coordinators are protected in the export too
    assert tables["caseload"]["1-4"][0] == ":"
    assert "about" in {r["table"] for r in csv_rows(csv_response.content)}
    assert "secondary suppression" in text or "sekundær" in text


def test_an_unknown_format_gives_csv(client, stats_world):
    client.force_login(stats_world.unit_leader)
    response = client.get(reverse("stats:municipal_download"), {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_the_period_is_in_the_download(client, stats_world):
    from .conftest import days_ago

    client.force_login(stats_world.unit_leader)
    start = days_ago(35).isoformat()
    params = {"fra": start, "til": stats_world.today.isoformat()}
    _n, csv_response, _x = assert_downloads_match(client, "stats:municipal", "stats:municipal_download", params)
    about = {r["row"]: r["value"] for r in csv_rows(csv_response.content) if r["table"] == "about"}
    assert any(start in value for value in about.values())
    assert csv_tables(csv_response.content)["key"]["received"] == ["2"]

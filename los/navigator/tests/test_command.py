"""``manage.py navigator``: output, exit codes and one-line errors; no database needed."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from los.navigator.catalog import load_catalog

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
CP = HERE / "profiles" / "example-cp-school-age.json"
NEWBORN = HERE / "profiles" / "example-newborn-heart.json"


def run(*args: str) -> tuple[int, str, str]:
    """Run the command in-process (the test database is blocked, so any DB access would fail)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("navigator", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, content: str, name: str = "profile.json") -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_json_output_follows_the_contract():
    code, out, err = run("--profile", str(CP), "--format", "json", "--as-of", "2026-11-23")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["catalog_version", "as_of", "suggestions", "not_applicable"]
    assert data["as_of"] == "2026-11-23"
    seen = [s["id"] for s in data["suggestions"]] + [n["id"] for n in data["not_applicable"]]
    assert sorted(seen) == sorted(load_catalog().ids)
    for item in data["suggestions"] + data["not_applicable"]:
        assert item["reasons"], item["id"]
    expected = json.loads(CP.with_name("example-cp-school-age.expected.json").read_text(encoding="utf-8"))
    suggested = {s["id"] for s in data["suggestions"]}
    not_applicable = {n["id"] for n in data["not_applicable"]}
    assert set(expected["must_suggest"]) <= suggested
    assert set(expected["must_not_suggest"]) <= not_applicable


def test_default_language_is_the_profiles_and_lang_overrides_it():
    _, out, _ = run("--profile", str(NEWBORN), "--format", "json")  # family.language = nn
    assert "veker" in json.loads(out)["suggestions"][0]["deadline_note"]
    _, out, _ = run("--profile", str(NEWBORN), "--format", "json", "--lang", "en")
    assert "weeks" in json.loads(out)["suggestions"][0]["deadline_note"]


def test_as_of_evaluates_the_rules_then_in_force():
    _, out, _ = run("--profile", str(CP), "--as-of", "2021-06-01")
    data = json.loads(out)
    assert data["as_of"] == "2021-06-01"
    assert "barnekoordinator" in {n["id"] for n in data["not_applicable"]}
    assert "koordinator" in {s["id"] for s in data["suggestions"]}


def test_text_format_is_readable():
    code, out, _ = run("--profile", str(CP), "--format", "text", "--lang", "en", "--as-of", "2026-11-23")
    assert code == 0
    assert out.startswith("What may apply to the family (assessed 23 November 2026)")
    assert "== Likely (" in out and "== Not applicable now (" in out
    assert "* Children's coordinator (barnekoordinator) [barnekoordinator]" in out
    assert "This is a guide, not a decision." in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"child": {"age_years": 30}, "family": {}}', "profile invalid at child.age_years: 30 is greater than the maximum of 25"),
        ('{"child": {"age_years": 3}}', "profile invalid at family: this field is required"),
        ('{"child": {"age_years": 3, "setting": "school"}, "family": {}}', "profile invalid at child.setting: 'school' is not one of"),
        ('{"child": {"age_years": 3}, "family": {"siblings": -1}}', "profile invalid at family.siblings: -1 is less than the minimum of 0"),
        ("{not json", "profile is not valid JSON:"),
        ("", "profile is not valid JSON:"),
    ],
)
def test_bad_profile_exits_2_with_one_line_naming_the_problem(tmp_path, content, expected):
    code, out, err = run("--profile", write(tmp_path, content))
    assert code == 2
    assert out == ""
    assert err.startswith(expected)
    assert err.count("\n") <= 1 and "Traceback" not in err


def test_missing_file_exits_2(tmp_path):
    code, _, err = run("--profile", str(tmp_path / "nope.json"))
    assert code == 2 and err.startswith("profile file not found:")


def test_bad_date_and_language_exit_2():
    code, _, err = run("--profile", str(CP), "--as-of", "2026-02-30")
    assert code == 2 and err.startswith("invalid --as-of '2026-02-30'")
    code, _, err = run("--profile", str(CP), "--lang", "sv")
    assert code == 2 and err.startswith("invalid --lang 'sv'")


def test_manage_py_needs_no_database_and_never_prints_a_traceback(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:9/no_such_database"}
    ok = subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", "navigator", "--profile", str(NEWBORN), "--format", "json"],
        cwd=REPO, capture_output=True, text=True, timeout=120, env=env,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["suggestions"]
    bad = subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", "navigator", "--profile", write(tmp_path, '{"child": {"age_years": 30}, "family": {}}')],
        cwd=REPO, capture_output=True, text=True, timeout=120, env=env,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.strip() == "profile invalid at child.age_years: 30 is greater than the maximum of 25"

"""The `make mutation` tooling: the sample marks and unmarks mutants, the report counts a marked
mutant as not run, and mutmut's copy of the project holds every app the tests import."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import mutation_report  # noqa: E402
import mutation_sample  # noqa: E402


def write_meta(root: Path, source: str, codes: dict[str, int | None]) -> Path:
    meta = root / "mutants" / f"{source}.meta"
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(json.dumps({"exit_code_by_key": codes, "durations_by_key": {}}))
    return meta


def test_a_sample_marks_the_others_skipped_and_unmarks_them_afterwards(tmp_path):
    meta = write_meta(tmp_path, "refunds/forms.py", {"a__mutmut_1": None, "a__mutmut_2": None, "a__mutmut_3": 1})
    assert mutation_sample.mark_skipped(tmp_path, {"a__mutmut_1"}, mutation_report.SKIPPED_CODE) == 1
    assert json.loads(meta.read_text())["exit_code_by_key"] == {
        "a__mutmut_1": None,
        "a__mutmut_2": 34,
        "a__mutmut_3": 1,
    }
    # Skipped mutants are not counted as survivors while marked.
    assert mutation_report.read_results(tmp_path) == {
        "refunds/forms.py": {"a__mutmut_1": "not-run", "a__mutmut_2": "not-run", "a__mutmut_3": "killed"}
    }
    assert mutation_sample.mark_skipped(tmp_path, set(), None) == 1
    record = json.loads(meta.read_text())
    assert record == {
        "exit_code_by_key": {"a__mutmut_1": None, "a__mutmut_2": None, "a__mutmut_3": 1},
        "durations_by_key": {},
    }


def test_the_report_gives_each_area_its_rate_over_the_mutants_that_ran(tmp_path):
    write_meta(tmp_path, "refunds/forms.py", {"x__mutmut_1": 1, "x__mutmut_2": 0, "x__mutmut_3": 34, "x__mutmut_4": 36})
    write_meta(tmp_path, "tickets/mail/ingest.py", {"y__mutmut_1": 33, "y__mutmut_2": 1})
    lines, rates = mutation_report.table(mutation_report.read_results(tmp_path), ["refunds", "tickets/mail"])
    assert rates == {"refunds": 200 / 3, "tickets/mail": 50.0}
    assert lines[-1].startswith("1 mutants were not run")


def test_mutmuts_copy_holds_every_app_the_tests_import():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    copied = {entry.rstrip("/") for entry in config["also_copy"] + config["source_paths"]}
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps - copied == set()


def test_the_mutants_template_database_is_rebuilt_when_a_migration_changes(tmp_path):
    import mutation_db

    migrations = tmp_path / "refunds" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "0001_initial.py").write_text("operations = []\n")
    before = mutation_db._migrations_digest(tmp_path)
    assert mutation_db._migrations_digest(tmp_path) == before
    (migrations / "0002_claim_ticket.py").write_text("operations = ['AddField']\n")
    assert mutation_db._migrations_digest(tmp_path) != before


def test_a_bigger_sample_of_the_same_seed_holds_the_smaller_one(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.mutmut]\nsource_paths = ["refunds/", "tickets/mail/"]\n')
    write_meta(tmp_path, "refunds/forms.py", {f"x__mutmut_{n}": None for n in range(1, 21)})
    write_meta(tmp_path, "tickets/mail/parse.py", {f"y__mutmut_{n}": None for n in range(1, 21)})
    small = mutation_sample.sample(tmp_path, 3, seed=8)
    big = mutation_sample.sample(tmp_path, 10, seed=8)
    assert len(small) == 6 and len(big) == 20
    assert set(small) <= set(big)
    assert sum(name.startswith("x__") for name in small) == 3


class _Item:
    """What the ordering reads of a pytest item."""

    def __init__(self, nodeid: str, transactional: bool = False) -> None:
        self.nodeid, self.cls = nodeid, None
        self.fixturenames = ["transactional_db"] if transactional else ["db"]

    def get_closest_marker(self, name: str) -> None:
        return None


def test_a_mutants_tests_run_quickest_module_first_with_transactional_tests_last():
    import mutation_db

    items = [
        _Item("tests/slow.py::a"),
        _Item("tests/slow.py::b"),
        _Item("tests/flush.py::c", transactional=True),
        _Item("tests/quick.py::d"),
        _Item("tests/quick.py::e"),
        _Item("tests/unknown.py::f"),
    ]
    seconds = {"tests/slow.py::a": 0.5, "tests/slow.py::b": 9.0, "tests/flush.py::c": 0.1}
    seconds |= {"tests/quick.py::d": 1.0, "tests/quick.py::e": 0.2}
    ordered = [item.nodeid for item in mutation_db.fastest_modules_first(items, seconds)]
    assert ordered == [
        "tests/quick.py::d",
        "tests/quick.py::e",
        "tests/unknown.py::f",  # counted as the slowest single test: 9 s
        "tests/slow.py::a",
        "tests/slow.py::b",
        "tests/flush.py::c",
    ]


def test_one_area_may_be_given_its_own_sample_size(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.mutmut]\nsource_paths = ["refunds/", "faq/search/"]\n')
    write_meta(tmp_path, "refunds/forms.py", {f"x__mutmut_{n}": None for n in range(1, 21)})
    write_meta(tmp_path, "faq/search/index.py", {f"y__mutmut_{n}": None for n in range(1, 21)})
    default, sizes = mutation_sample._sizes("5,faq/search/=2")
    chosen = mutation_sample.sample(tmp_path, default, seed=8, sizes=sizes)
    assert (sum(n.startswith("x__") for n in chosen), sum(n.startswith("y__") for n in chosen)) == (5, 2)


def test_the_survivors_names_are_listed_for_a_second_run(tmp_path):
    write_meta(tmp_path, "refunds/forms.py", {"x__mutmut_1": 1, "x__mutmut_2": 0, "x__mutmut_3": 33, "x__mutmut_4": 34})
    assert mutation_report.survivor_names(mutation_report.read_results(tmp_path)) == ["x__mutmut_2", "x__mutmut_3"]

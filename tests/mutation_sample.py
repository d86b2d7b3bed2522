"""`make mutation`: mutmut on every mutant, or (SAMPLE=N) on N per area drawn at random.

A full run tries every mutant (about 4,000 here, hours on a busy 2-core machine). A random sample of
each area, the same for the same code and seed, estimates its kill rate within a few points (the
report prints the 95 % interval) in a fraction of the time. Steps: mutmut makes every mutant and
collects which tests reach which function (asked for a mutant that does not exist, it stops right
after that with "nothing matches"); every mutant outside the sample is then marked "skipped" in
mutmut's records, a plain `mutmut run` tries only the rest, and the marks are taken off again.

The sample is not passed to mutmut by name: given mutant names, mutmut runs its clean pass over
just the tests that reach them, by test id, and pytest answers "not found" (exit 4) for the ids of
the tests parametrized with Korean text (tests/faq/test_relevance.py, test_everyday_korean.py), so
the run stopped before its first mutant. Without names, the clean pass runs the whole selection.

That clean pass is left out here (see run_mutants): it runs the whole suite a second time, right
after the stats pass ran it and mutmut refused to go on unless every test passed; on a busy 2-core
machine it cost twenty minutes. `--again NAME…` re-runs chosen mutants (after adding tests) the
same way, so their tests are not looked up by id either.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutation_report import SKIPPED_CODE, area_of, areas, read_results  # noqa: E402

PREPARE_ONLY = "prepare-only-no-such-mutant"


def mutmut(root: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).with_name("mutmut")), "run", *arguments], cwd=root)


def run_mutants(root: Path, max_children: str, names: list[str]) -> int:
    """`mutmut run [names]` in a child process, without mutmut's clean pass (module docstring)."""
    return subprocess.run([sys.executable, __file__, "--run-mutmut", max_children, *names], cwd=root).returncode


def _mutmut_without_clean_pass(max_children: int, names: list[str]) -> int:
    import mutmut.__main__ as mutmut_main

    make_runner = mutmut_main.get_mutant_runner

    def runner_without_clean_pass(max_workers: int = 1):
        runner = make_runner(max_workers)
        runner.run_clean_tests = lambda tests: 0
        return runner

    mutmut_main.get_mutant_runner = runner_without_clean_pass
    try:
        mutmut_main.run.callback(tuple(names), max_children=max_children)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    return 0


def sample(root: Path, per_area: int, seed: int, sizes: dict[str, int] | None = None) -> list[str]:
    """The first `per_area` mutants of each area (or `sizes[area]`) in an order shuffled by `seed`:
    a bigger sample of the same seed holds the smaller one, so a sample can be grown without losing
    the run results."""
    results = read_results(root)
    area_paths = areas(root)
    by_area: dict[str, list[str]] = {}
    for source, outcomes in sorted(results.items()):
        by_area.setdefault(area_of(source, area_paths), []).extend(sorted(outcomes))
    rng = random.Random(seed)
    chosen = []
    for area in sorted(by_area):
        rng.shuffle(by_area[area])
        chosen.extend(by_area[area][: (sizes or {}).get(area, per_area)])
    return chosen


def mark_skipped(root: Path, chosen: set[str], skipped: int | None) -> int:
    """Give every untried mutant outside `chosen` the exit code `skipped` (mutmut's "skipped",
    which `mutmut run` passes over), or take that mark off again (skipped=None). Returns how many
    mutants were changed."""
    changed = 0
    for meta in (root / "mutants").rglob("*.py.meta"):
        record = json.loads(meta.read_text())
        codes = record["exit_code_by_key"]
        for name, code in codes.items():
            if skipped is not None and code is None and name not in chosen:
                codes[name], changed = skipped, changed + 1
            elif skipped is None and code == SKIPPED_CODE:
                codes[name], changed = None, changed + 1
        meta.write_text(json.dumps(record, indent=4))
    return changed


def _sizes(text: str) -> tuple[int, dict[str, int]]:
    """ "300,faq/search=150" -> (300, {"faq/search": 150})."""
    first, *overrides = text.split(",")
    try:
        return int(first), {area.rstrip("/"): int(size) for area, size in (item.split("=") for item in overrides)}
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N or N,AREA=M,…, not {text!r}") from None


def main() -> int:
    if sys.argv[1:2] == ["--run-mutmut"]:
        return _mutmut_without_clean_pass(int(sys.argv[2]), sys.argv[3:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--per-area",
        type=_sizes,
        help="mutants to run in each area: N, or N,AREA=M,… where one area needs a different count",
    )
    which.add_argument("--all", action="store_true", help="every mutant")
    which.add_argument("--again", nargs="+", metavar="NAME", help="re-run these mutants (after adding tests)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--max-children", default="2")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    options = parser.parse_args()

    if options.again:
        return run_mutants(options.root, options.max_children, options.again)
    mutmut(options.root, "--max-children", options.max_children, PREPARE_ONLY)
    # mutmut writes its stats only when the whole suite passed under it.
    if not read_results(options.root) or not (options.root / "mutants" / "mutmut-stats.json").exists():
        print("mutmut made no mutants or the tests failed under it; see its output above.", file=sys.stderr)
        return 2
    if options.all:
        return run_mutants(options.root, options.max_children, [])
    default_size, sizes = options.per_area
    names = sample(options.root, default_size, options.seed, sizes)
    mark_skipped(options.root, set(names), SKIPPED_CODE)
    print(f"running {len(names)} sampled mutants (seed {options.seed})", flush=True)
    try:
        return run_mutants(options.root, options.max_children, [])
    finally:
        # Unmarked, the others read as "not run" in the report and a later `mutmut run` tries them.
        mark_skipped(options.root, set(), None)


if __name__ == "__main__":
    sys.exit(main())

"""The kill rate per module after `mutmut run`, read from mutmut's own records in mutants/.

    python tests/mutation_report.py                  # the table
    python tests/mutation_report.py --survivors      # and every surviving mutant, as a one-line diff
    python tests/mutation_report.py --fail-under 80  # exit 1 when an area kills fewer than 80 %
    python tests/mutation_report.py --names          # only the survivors' names, for mutation-again

An area is one entry of [tool.mutmut] source_paths in pyproject.toml; a module is one file in it.
A mutant counts as killed when a test failed on it or it ran out of time (an endless loop is
noticed too). "no tests" mutants sit in code that no test reaches; they count against the rate.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

KILLED_CODES = {1, 3, 37}  # a test failed, pytest crashed on it, or the type checker refused it
TIMEOUT_CODES = {36, 24, -24, 152, 255, -9}  # out of CPU time, then killed
SURVIVED_CODES = {0}
NO_TESTS_CODES = {5, 33}
SKIPPED_CODE = 34  # mutmut's "skipped": outside a sample (tests/mutation_sample.py) while it runs
COLUMNS = ("mutants", "killed", "survived", "no-tests", "timeout", "not-run")


def outcome(exit_code: int | None) -> str:
    if exit_code is None or exit_code == SKIPPED_CODE:
        return "not-run"
    if exit_code in KILLED_CODES:
        return "killed"
    if exit_code in TIMEOUT_CODES:
        return "timeout"
    if exit_code in SURVIVED_CODES:
        return "survived"
    if exit_code in NO_TESTS_CODES:
        return "no-tests"
    return "survived"  # mutmut's "suspicious", "skipped" and the like: not a kill


def read_results(root: Path) -> dict[str, dict[str, str]]:
    """{source file: {mutant name: outcome}} for every file mutmut mutated."""
    results: dict[str, dict[str, str]] = {}
    mutants = root / "mutants"
    for meta in sorted(mutants.rglob("*.py.meta")):
        source = meta.relative_to(mutants).as_posix().removesuffix(".meta")
        exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
        if exit_codes:
            results[source] = {name: outcome(code) for name, code in exit_codes.items()}
    return results


def areas(root: Path) -> list[str]:
    config = tomllib.loads((root / "pyproject.toml").read_text())
    return [path.rstrip("/") for path in config["tool"]["mutmut"]["source_paths"]]


def area_of(source: str, area_paths: list[str]) -> str:
    for area in area_paths:
        if source == area or source.startswith(area + "/"):
            return area
    return source


def kill_rate(counts: Counter) -> float:
    judged = counts["mutants"] - counts["not-run"]
    return 100.0 * (counts["killed"] + counts["timeout"]) / judged if judged else 0.0


def margin(counts: Counter) -> float | None:
    """Half the 95 % interval of the kill rate when only a random sample was run (normal
    approximation, corrected for drawing without replacement); None when every mutant ran."""
    population, judged = counts["mutants"], counts["mutants"] - counts["not-run"]
    if not counts["not-run"] or judged < 2:
        return None
    rate = kill_rate(counts) / 100
    correction = math.sqrt((population - judged) / (population - 1))
    return 100 * 1.96 * math.sqrt(rate * (1 - rate) / judged) * correction


def table(results: dict[str, dict[str, str]], area_paths: list[str]) -> tuple[list[str], dict[str, float]]:
    per_module: dict[str, Counter] = {}
    per_area: dict[str, Counter] = defaultdict(Counter)
    for source, outcomes in results.items():
        counts = Counter(outcomes.values())
        counts["mutants"] = len(outcomes)
        per_module[source] = counts
        per_area[area_of(source, area_paths)].update(counts)

    width = max(len(name) for name in [*per_module, *per_area, "module"]) + 2
    header = "module".ljust(width) + "".join(f"{column:>10}" for column in COLUMNS) + f"{'kill-rate':>11}"
    lines = [header, "-" * len(header)]

    def row(name: str, counts: Counter) -> str:
        cells = "".join(f"{counts[column]:>10}" for column in COLUMNS)
        plus_minus = margin(counts)
        interval = f" ±{plus_minus:.1f}" if plus_minus is not None else ""
        return f"{name.ljust(width)}{cells}{kill_rate(counts):>10.1f}%{interval}"

    for area in sorted(per_area):
        for source in sorted(s for s in per_module if area_of(s, area_paths) == area):
            lines.append(row(source, per_module[source]))
        lines.append(row(f"= {area} (all)", per_area[area]))
        lines.append("")
    total: Counter = sum(per_area.values(), Counter())
    lines.append(row("= everything", total))
    if total["not-run"]:
        lines.append(
            f"{total['not-run']} mutants were not run (a sample, or an interrupted run): each rate is over the "
            "mutants that ran, ± half its 95 % interval if they are a random sample."
        )
    return lines, {area: kill_rate(counts) for area, counts in per_area.items()}


def function_of(mutant: str) -> str:
    """refunds.models.xǁRefundClaimǁapprove__mutmut_3 -> RefundClaim.approve"""
    generated = mutant.rpartition(".")[2].rpartition("__mutmut_")[0]
    if generated.startswith("xǁ"):
        return ".".join(generated.removeprefix("xǁ").split("ǁ"))
    return generated.removeprefix("x_")


def mutation_of(mutant: str, source: str) -> str:
    """The changed line, as `old  ->  new`; mutmut's diff is the authority when it disagrees."""
    try:
        from mutmut.mutation.diff_apply import get_diff_for_mutant

        diff = get_diff_for_mutant(mutant, path=source).splitlines()
    except Exception as error:  # an old or partial mutants/ directory: say so, keep listing
        return f"(no diff: {error.__class__.__name__})"
    removed = [line[1:].strip() for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff if line.startswith("+") and not line.startswith("+++")]
    return f"{' / '.join(removed)}  ->  {' / '.join(added) or '(removed)'}"


def survivor_names(results: dict[str, dict[str, str]]) -> list[str]:
    """Every surviving or untested mutant, as `make mutation-again MUTANTS=…` takes them."""
    return sorted(
        name for outcomes in results.values() for name, result in outcomes.items() if result in ("survived", "no-tests")
    )


def survivors(results: dict[str, dict[str, str]]) -> list[str]:
    lines = []
    for source, outcomes in results.items():
        by_function: dict[str, list[str]] = defaultdict(list)
        for mutant, result in outcomes.items():
            if result in ("survived", "no-tests"):
                tag = "" if result == "survived" else " [no tests]"
                by_function[function_of(mutant)].append(f"{mutation_of(mutant, source)}{tag}")
        for function, mutations in sorted(by_function.items()):
            lines.append(f"{source}:{function} ({len(mutations)})")
            lines.extend(f"    {mutation}" for mutation in mutations)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--survivors", action="store_true", help="list each surviving mutant")
    parser.add_argument("--names", action="store_true", help="print only the surviving mutants' names")
    parser.add_argument("--fail-under", type=float, help="exit 1 if an area's kill rate is below this percentage")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project (holding pyproject.toml, mutants/)")
    options = parser.parse_args(argv)

    results = read_results(options.root)
    if not results:
        print("No mutation results: run `make mutation` (or `mutmut run`) first.", file=sys.stderr)
        return 2
    if options.names:
        print(" ".join(survivor_names(results)))
        return 0
    lines, rates = table(results, areas(options.root))
    print("\n".join(lines))
    if options.survivors:
        print("\nSurviving mutants, by function:")
        print("\n".join(survivors(results)))
    below = {area: rate for area, rate in rates.items() if options.fail_under is not None and rate < options.fail_under}
    for area, rate in below.items():
        print(f"{area} kills {rate:.1f} % of its mutants, below {options.fail_under:g} %.", file=sys.stderr)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())

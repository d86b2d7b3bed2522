#!/usr/bin/env python
"""How to understand Korean verb forms: the rule set in helpcenter/text_analysis.py against kiwipiepy.

    .venv/bin/python bench/faq_analysers.py [--articles 2000]

(kiwipiepy is not a dependency of the help center: `pip install kiwipiepy` to run this.)

For each analyser, on a throwaway SQLite database loaded with the demo help center (load_demo):
relevance (recall@1 and @3 on tests/faq/relevance.json and tests/faq/everyday.json), the demo
index's rows and rebuild time, and the median time to analyse and answer each query; then, on
--articles generated articles (bench/faq_search.py's corpus), the CPU time to analyse every title
and body and the index rows that would result. The kiwipiepy variant keeps everything else equal:
its nouns are indexed as bigrams like the rules' words, its verb and adjective stems whole, the
same complaint and weak-word handling.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, cpu_model, log  # noqa: E402

CASE_FILES = [ROOT / "tests" / "faq" / "relevance.json", ROOT / "tests" / "faq" / "everyday.json"]


def kiwi_analyser():
    from kiwipiepy import Kiwi

    from helpcenter import text_analysis as analysis

    kiwi = Kiwi()
    nouns = {"NNG", "NNP", "NR", "XR", "SH", "NNB"}
    verbs = {"VV", "VA", "VX"}

    def analyse(text: str) -> list[str]:
        terms: list[str] = []
        tokens = kiwi.tokenize((text or "").lower())
        negated = False
        for position, token in enumerate(tokens):
            tag = token.tag.split("-")[0]
            form = token.form
            if tag in nouns and analysis.is_hangul(form):
                terms.extend(analysis.hangul_terms(form) if len(form) > 1 else (form,))
            elif tag in verbs:
                following = [t.form for t in tokens[position + 1 : position + 3]]
                if form in analysis.COMPLAINT_VERBS and (negated or "않" in following):
                    terms.append(analysis.COMPLAINT)
                else:
                    terms.append(form)
            elif tag == "MAG" and form in analysis.NEGATIONS:
                terms.append(form)
                negated = True
                continue
            elif tag in {"SL", "SN"}:
                term = analysis.english_term(form)
                if term:
                    terms.append(term)
            elif "\u3131" <= form[0] <= "\u314e":
                terms.append(form)
            negated = False
        return [term[: analysis.MAX_TERM_LENGTH] for term in terms]

    def term_counts(text: str) -> Counter:
        return Counter(analyse(text))

    return analyse, term_counts


def use(analyse, term_counts) -> None:
    """Put an analyser where indexing and ranking call theirs."""
    from faq.search import correction, index, ranking

    ranking.analyse = analyse
    index.term_counts = term_counts
    correction.forget_vocabulary()


def measure(name: str, generated: list[dict]) -> dict:
    from django.core.cache import cache

    from faq import search
    from faq.models import Article, SearchTerm

    cache.clear()
    t = time.perf_counter()
    search.rebuild_index()
    rebuild = time.perf_counter() - t
    slugs = dict(Article.objects.values_list("pk", "slug"))
    by_kind: dict[str, list[tuple[bool, bool]]] = {}
    times = []
    misses = []
    for path in CASE_FILES:
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            expected = case["expect"] if isinstance(case["expect"], list) else [case["expect"]]
            t = time.perf_counter()
            found = search.answer(case["query"], case["lang"], limit=10)
            times.append((time.perf_counter() - t) * 1000)
            got = [slugs[i] for i in found.ids]
            first, top3 = bool(got) and got[0] in expected, any(g in expected for g in got[:3])
            by_kind.setdefault(case["why"], []).append((first, top3))
            if not first:
                misses.append(f"{case['query']} → {got[:2]}")
    cpu = time.process_time()
    rows = 0
    for item in generated:
        for language in ("ko", "en") if item["has_en"] else ("ko",):
            title, body = item[language]
            rows += len(set(search.index.term_counts(title)) | set(search.index.term_counts(body)))
    analysis_cpu = time.process_time() - cpu
    everything = [pair for pairs in by_kind.values() for pair in pairs]
    return {
        "name": name,
        "recall_at_1": sum(f for f, _ in everything) / len(everything),
        "recall_at_3": sum(t for _, t in everything) / len(everything),
        "by_kind": {kind: sum(f for f, _ in pairs) / len(pairs) for kind, pairs in sorted(by_kind.items())},
        "cases": len(everything),
        "demo_rows": SearchTerm.objects.count(),
        "demo_rebuild_s": rebuild,
        "query_ms_median": statistics.median(times),
        "generated_articles": len(generated),
        "generated_analysis_cpu_s": analysis_cpu,
        "generated_rows": rows,
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="faq-analysers-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp / 'demo.sqlite3'}", DJANGO_DEBUG="1", DJANGO_SETTINGS_MODULE="helpcenter.settings"
    )
    import django

    django.setup()
    from django.core.management import call_command

    from bench.faq_search import SEED, CorpusGenerator
    from faq.search import index, ranking
    from helpcenter import text_analysis as analysis

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    generator = CorpusGenerator(SEED)
    generated = [generator.article() for _ in range(args.articles)]
    log("rules")
    results = [measure("rules (helpcenter/text_analysis.py)", generated)]
    log("kiwipiepy: loading its model")
    t = time.perf_counter()
    kiwi = kiwi_analyser()
    load = time.perf_counter() - t
    rules = (ranking.analyse, index.term_counts)
    use(*kiwi)
    log("kiwipiepy")
    results.append(measure("kiwipiepy " + __import__("kiwipiepy").__version__, generated))
    results[-1]["model_load_s"] = load
    use(*rules)
    analysis.korean_stem.cache_clear()

    print(f"\nmachine: {os.cpu_count()} cores ({cpu_model()}), load average {os.getloadavg()[0]:.2f}")
    kinds = sorted(results[0]["by_kind"])
    print("| | " + " | ".join(r["name"] for r in results) + " |")
    print("|---|" + "---|" * len(results))
    rows = [
        (f"recall@1, {results[0]['cases']} queries", lambda r: f"{r['recall_at_1']:.3f}"),
        ("recall@3", lambda r: f"{r['recall_at_3']:.3f}"),
        *[(f"recall@1 `{kind}`", lambda r, kind=kind: f"{r['by_kind'][kind]:.2f}") for kind in kinds],
        ("demo index rows", lambda r: f"{r['demo_rows']:,}"),
        ("demo rebuild_index()", lambda r: f"{r['demo_rebuild_s']:.2f} s"),
        ("answer() per query, median", lambda r: f"{r['query_ms_median']:.2f} ms"),
        (
            f"analysis CPU, {args.articles:,} generated articles",
            lambda r: f"{r['generated_analysis_cpu_s']:.1f} s",
        ),
        ("index rows for them", lambda r: f"{r['generated_rows']:,}"),
        ("model load", lambda r: f"{r.get('model_load_s', 0):.1f} s"),
    ]
    for label, cell in rows:
        print(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")
    for r in results:
        print(f"\n{r['name']} misses: " + "; ".join(r["misses"]))


if __name__ == "__main__":
    main()

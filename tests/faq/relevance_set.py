"""The relevance set: queries a customer would type, each with the article(s) that answer it.

relevance.json holds each query, its language, the acceptable answers, its class (what makes it
hard) and why. Scored on the demo FAQ loaded only through `import_faq`, with the lexicon the
migration ships, by tests/faq/test_relevance.py and printed by bench/relevance.py.

recall@k is the share of queries with an acceptable answer among the first k results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

CASES: list[dict] = json.loads((Path(__file__).with_name("relevance.json")).read_text(encoding="utf-8"))["cases"]

# What makes each class hard (the order reports are printed in).
CLASSES = {
    "everyday": "everyday Korean wording: loose words, particles, spoken endings",
    "verb_form": "the same verb conjugated as customers write it (바꿨는데, 돌려받을 수)",
    "common_misspelling": "misspellings everyone makes (결재, 멤버쉽, 셋탑), fixed by the lexicon",
    "typo": "a single slip of the finger (환뷸, passwrod), needs spelling correction",
    "english": "English on the English page",
    "mixed": "Korean and English words in one query on the Korean page",
    "spacing": "spaces left out",
    "initials": "initial consonants only (ㅂㅁㅂㅎ)",
    "keyboard": "Korean typed with the keyboard in English mode",
}
DEMO_FAQ = Path(__file__).resolve().parents[2] / "faq" / "demo" / "faq.json"
OVERALL_GOAL_AT_3 = 0.95
CLASS_GOAL_AT_3 = 0.9


@dataclass
class Score:
    queries: int = 0
    at_1: int = 0
    at_3: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall_at_1(self) -> float:
        return self.at_1 / self.queries if self.queries else 0.0

    @property
    def recall_at_3(self) -> float:
        return self.at_3 / self.queries if self.queries else 0.0


def ranked_slugs(case: dict, limit: int = 10) -> list[str]:
    from faq import search

    return [hit.article.slug for hit in search.search(case["query"], case["lang"], limit=limit)]


def measure(cases: list[dict] = CASES) -> dict[str, Score]:
    """Scores by class, plus "overall"."""
    scores: dict[str, Score] = {name: Score() for name in CLASSES}
    overall = Score()
    for case in cases:
        slugs = ranked_slugs(case)
        expected = set(case["expect"])
        for score in (scores[case["class"]], overall):
            score.queries += 1
            score.at_1 += bool(slugs[:1] and slugs[0] in expected)
            found = bool(expected & set(slugs[:3]))
            score.at_3 += found
            if not found and score is overall:
                scores[case["class"]].misses.append(f"{case['query']!r} → {slugs[:3]} (want {case['expect']})")
    scores["overall"] = overall
    return scores


def report(scores: dict[str, Score]) -> str:
    lines = [f"{'class':<20}{'queries':>8}{'recall@1':>10}{'recall@3':>10}"]
    for name, score in scores.items():
        if score.queries:
            lines.append(f"{name:<20}{score.queries:>8}{score.recall_at_1:>10.3f}{score.recall_at_3:>10.3f}")
    return "\n".join(lines)

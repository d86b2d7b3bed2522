#!/usr/bin/env python
"""Relevance of the FAQ search: recall@1 and recall@3 by class of query.

    .venv/bin/python bench/relevance.py [--misses]

On a throwaway SQLite database: `migrate` (which loads the shipped lexicon), then the demo FAQ
through `import_faq`, nothing else; then every query of tests/faq/relevance.json. Takes seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="also list the queries not answered in the top 3")
    parser.add_argument("--without-lexicon", action="store_true", help="empty the synonym table first (to compare)")
    parser.add_argument("--first", action="store_true", help="list the guarded queries whose answer is not first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/relevance.sqlite3"
        os.environ.setdefault("SECRET_KEY", "bench-relevance-not-a-secret-0123456789abcdefghijklmnop")
        os.environ.setdefault("DJANGO_DEBUG", "1")
        os.environ["DJANGO_SETTINGS_MODULE"] = "helpcenter.settings"
        import django

        django.setup()
        from django.core.management import call_command

        from faq.models import Synonym
        from tests.faq.relevance_set import CASES, DEMO_FAQ, measure, ranked_slugs, report

        call_command("migrate", verbosity=0)
        call_command("import_faq", str(DEMO_FAQ), stdout=StringIO())
        if args.without_lexicon:
            Synonym.objects.all().delete()
        scores = measure()
        print(
            f"{len(CASES)} queries; {Synonym.objects.count()} synonyms (the shipped lexicon); demo FAQ via import_faq"
        )
        print(report(scores))
        if args.first:
            for case in CASES:
                slugs = ranked_slugs(case)
                if case.get("first") and slugs[:1] != case["expect"][:1]:
                    print(f"  not first: {case['query']!r} → {slugs[:3]}")
        if args.misses:
            for name, score in scores.items():
                for miss in score.misses:
                    print(f"  {name}: {miss}")


if __name__ == "__main__":
    main()

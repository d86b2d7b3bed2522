"""FAQ search, in three ideas: text analysis (analysis.py: how text becomes terms), the index
(index.py: the SearchTerm rows and keeping them in step) and ranking (ranking.py: how a query is
understood and scored), with spelling correction from the index's own vocabulary (correction.py).

What the rest of the help center calls is re-exported here: ``faq.search.search(query, lang)``.
"""

from __future__ import annotations

from faq.search.correction import forget_vocabulary
from faq.search.index import (
    forget_document_counts,
    index_article,
    indexing_deferred,
    posting_rows,
    postings_for,
    rebuild_index,
    request_index,
    unindex_article,
)
from faq.search.ranking import (
    Answer,
    Hit,
    ParsedQuery,
    answer,
    document_frequencies,
    forget_synonyms,
    hits_for,
    parse_query,
    ranked_article_ids,
    search,
)
from faq.snippets import highlight, snippet
from helpcenter.text_analysis import MAX_QUERY_LENGTH, analyse, initials_terms, normalise

__all__ = [
    "MAX_QUERY_LENGTH",
    "Answer",
    "Hit",
    "ParsedQuery",
    "analyse",
    "answer",
    "document_frequencies",
    "forget_document_counts",
    "forget_synonyms",
    "forget_vocabulary",
    "highlight",
    "hits_for",
    "index_article",
    "indexing_deferred",
    "initials_terms",
    "normalise",
    "parse_query",
    "posting_rows",
    "postings_for",
    "ranked_article_ids",
    "rebuild_index",
    "request_index",
    "search",
    "snippet",
    "unindex_article",
]

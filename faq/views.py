from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_GET, require_POST

from faq import analytics, search
from faq.filters import ArticleSearchFilter
from faq.forms import CommentForm, VoteForm
from faq.models import Article, ArticleTranslation, ArticleVote, Category
from helpcenter import crossorigin, pagecache
from helpcenter.languages import current_language
from helpcenter.privacy import anonymous_visitor

POPULAR_ARTICLES = 6
RELATED_ARTICLES = 5
API_RESULTS = 10
CORRECTION_OFF = "spell"  # ?spell=0: search the words exactly as typed ("search for 환뷸 instead")


def _language() -> str:
    return current_language()


def _published_in(language: str):
    """Published articles that have a translation in this language, with it prefetched."""
    return (
        Article.objects.published()
        .filter(translations__language=language)
        .select_related("category")
        .prefetch_related(Prefetch("translations", queryset=ArticleTranslation.objects.filter(language=language)))
    )


def _count_view(request: HttpRequest, article_id: int) -> None:
    Article(pk=article_id).record_view()


def _count_search(request: HttpRequest, search_made: tuple[str, str, int]) -> None:
    analytics.record_search(*search_made)


@pagecache.shared_page()
def home(request: HttpRequest) -> HttpResponse:
    language = _language()
    categories = Category.objects.all()
    popular = _published_in(language).order_by("-view_count", "-helpful_yes", "slug")[:POPULAR_ARTICLES]
    return render(
        request,
        "faq/home.html",
        {"categories": categories, "popular": popular, "filter": ArticleSearchFilter(language=language)},
    )


@pagecache.shared_page()
def category_list(request: HttpRequest) -> HttpResponse:
    language = _language()
    categories = Category.objects.prefetch_related(
        Prefetch("articles", queryset=_published_in(language).order_by("-view_count", "slug"), to_attr="shown")
    )
    return render(request, "faq/category_list.html", {"categories": categories})


@pagecache.shared_page()
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    articles = _published_in(_language()).filter(category=category).order_by("-view_count", "slug")
    return render(
        request,
        "faq/category_detail.html",
        {"category": category, "articles": articles, "categories": Category.objects.all()},
    )


def _article_state(request: HttpRequest, slug: str) -> tuple[Article, ArticleVote | None] | None:
    # Asked three times per request (ETag, Last-Modified, the page itself): looked up once.
    cached = getattr(request, "_faq_article_state", None)
    if cached is not None and cached[0] == slug:
        return cached[1]
    state = _load_article_state(request, slug)
    request._faq_article_state = (slug, state)
    return state


def _load_article_state(request: HttpRequest, slug: str) -> tuple[Article, ArticleVote | None] | None:
    article = Article.objects.published().filter(slug=slug).prefetch_related("translations").first()
    if article is None:
        return None
    vote = None
    # Without a session cookie there is no vote to find; asking the session would still mark the
    # page "Vary: Cookie", which no cache shares.
    if settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.session_key:
        vote = ArticleVote.objects.filter(article=article, visitor=anonymous_visitor(request)).first()
    return article, vote


def _has_pending_messages(request: HttpRequest) -> bool:
    # A flash message (after a vote that was refused, say) is shown once, by the next page rendered:
    # a 304 there would leave it for some later page, out of context.
    return len(messages.get_messages(request)) > 0


def _article_etag(request: HttpRequest, slug: str) -> str | None:
    state = _article_state(request, slug)
    if state is None or _has_pending_messages(request):
        return None
    article, vote = state
    # The page changes when the article or a translation changes, when anything else it shows is
    # edited (the content generation: a category's name, a related article, the contact channels),
    # with the language, and with the visitor's answer (the buttons, then the comment box after a
    # "no", then a thank-you).
    generation = pagecache.page_version(request)
    version = f"{article.pk}:{article.last_modified().isoformat()}:{generation}:{_language()}:{feedback_step(vote)}"
    return hashlib.sha256(version.encode()).hexdigest()[:32]


def _article_last_modified(request: HttpRequest, slug: str):
    state = _article_state(request, slug)
    if state is None or _has_pending_messages(request):
        return None
    return state[0].last_modified()


def feedback_step(vote: ArticleVote | None) -> str:
    """What the feedback box asks next: "ask" (helpful?), "comment" (after a no) or "done"."""
    if vote is None:
        return "ask"
    if vote.invites_comment:
        return "comment"
    return "done"


@pagecache.shared_page(on_hit=_count_view)
@condition(etag_func=_article_etag, last_modified_func=_article_last_modified)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    language = _language()
    state = _article_state(request, slug)
    if state is None:
        return render(request, "404.html", status=404)
    article, vote = state
    item = article.translation(language)
    if item is None:
        # Not written in this language (yet): show the language it exists in rather than nothing.
        other = article.translations.first()
        if other is None:  # published but with every translation deleted: nothing to show
            return render(request, "404.html", status=404)
        return redirect(other.get_absolute_url())
    if request.GET.get("from_search"):
        # Opened from the results: the query was answered (the analytics list queries that never
        # are). Then the plain address, the one visitors bookmark and share.
        analytics.record_result_opened(request.GET["from_search"], language)
        return redirect(request.path)
    article.record_view()
    related = _published_in(language).filter(category=article.category).exclude(pk=article.pk)
    related = related.order_by("-view_count", "slug")[:RELATED_ARTICLES]
    response = render(
        request,
        "faq/article_detail.html",
        {
            "article": article,
            "translation": item,
            "related": related,
            "feedback_step": feedback_step(vote),
            "comment_form": CommentForm(),
            "available_languages": article.languages(),
            "vote_token": crossorigin.page_token(_vote_purpose(article)),
            "vote_token_field": crossorigin.PAGE_TOKEN_FIELD,
        },
    )
    response.replay = article.pk  # a page served from the cache still counts as a view
    return response


def _vote_purpose(article: Article) -> str:
    return f"faq.vote:{article.slug}"


def _feedback_anchor(article: Article) -> HttpResponse:
    shown = article.translation(_language()) or article.translations.first()
    if shown is None:
        raise Http404
    return redirect(shown.get_absolute_url() + "#feedback")


# The vote form is on the shared article page, which sets no CSRF cookie: instead of Django's
# cookie check, the browser's Sec-Fetch-Site/Origin and a signed page token (helpcenter/crossorigin.py).
@csrf_exempt
@require_POST
def article_vote(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    target = _feedback_anchor(article)
    try:
        refused = crossorigin.refusal_reason(request, _vote_purpose(article))
    except crossorigin.TokenExpired:
        messages.error(request, _("This page was open for a long time. Please answer again."))
        return target
    if refused:
        return csrf_failure(request, reason=refused)
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose yes or no."))
        return target
    helpful = form.cleaned_data["helpful"] == "yes"
    try:
        with transaction.atomic():
            ArticleVote.objects.create(
                article=article,
                language=_language(),
                visitor=anonymous_visitor(request),
                helpful=helpful,
                # Whatever the visitor wrote is kept, whichever button they pressed.
                comment=form.cleaned_data["comment"],
            )
            counter = "helpful_yes" if helpful else "helpful_no"
            Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    except IntegrityError:
        messages.info(request, _("You have already answered for this article. Thank you!"))
        return target
    messages.success(request, _("Thank you for your feedback!"))
    return target


@require_POST
def article_comment(request: HttpRequest, slug: str) -> HttpResponse:
    """What was missing, sent after a "no": added to the visitor's own vote, once."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    target = _feedback_anchor(article)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["comment"]))
        return target
    vote = None
    if request.session.session_key:
        vote = ArticleVote.objects.filter(article=article, visitor=anonymous_visitor(request)).first()
    if vote is None:
        messages.error(request, _("Please tell us first whether this article helped."))
    elif vote.add_comment(form.cleaned_data["comment"]):
        messages.success(request, _("Thank you! Your comment helps us improve this article."))
    else:
        messages.info(request, _("You have already sent a comment on this article. Thank you!"))
    return target


@pagecache.shared_page(on_hit=_count_search)
def search_page(request: HttpRequest) -> HttpResponse:
    language = _language()
    filterset = ArticleSearchFilter(
        request.GET or None,
        queryset=Article.objects.published(),
        language=language,
        correct=request.GET.get(CORRECTION_OFF) != "0",
    )
    query_text = ""
    page = None
    hits: list[search.Hit] = []
    if filterset.is_bound and filterset.is_valid():
        filterset.qs  # runs the ranked search  # noqa: B018
        query_text = filterset.form.cleaned_data.get("q") or ""
        if query_text and filterset.parsed_query is not None:
            paginator = Paginator(filterset.ranked_ids, settings.FAQ_SEARCH_PAGE_SIZE)
            page = paginator.get_page(request.GET.get("page"))
            hits = search.hits_for(list(page.object_list), filterset.parsed_query)
            if page.number == 1:
                analytics.record_search(query_text, language, paginator.count)
    response = render(
        request,
        "faq/search.html",
        {
            "filter": filterset,
            "query": query_text,
            "page": page,
            "hits": hits,
            "answer": filterset.answer if query_text else None,
            "correction_off": CORRECTION_OFF,
        },
    )
    if page is not None and page.number == 1:
        response.replay = (query_text, language, paginator.count)
    return response


@require_GET
@pagecache.shared_page(on_hit=_count_search)
def search_api(request: HttpRequest) -> JsonResponse:
    """GET /api/faq/search?q=…&lang=ko|en[&spell=0] → {"results": [{slug, title, url, snippet}], "language",
    "corrected"}: results best first; language is the articles' (Korean typed on the English page is
    answered from the Korean ones); corrected is the corrected query searched too, or null."""
    text = (request.GET.get("q") or "").strip()[: search.MAX_QUERY_LENGTH]
    language = request.GET.get("lang") or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        return JsonResponse({"error": _("Unknown language."), "results": []}, status=400)
    found = search.answer(text, language, limit=API_RESULTS, correct=request.GET.get(CORRECTION_OFF) != "0")
    hits = search.hits_for(found.ids, found.query) if text else []
    counted = text and request.GET.get("suggest") != "1"
    if counted:
        # As-you-type lookups would log every half-typed word; only full searches are counted.
        analytics.record_search(text, language, len(hits))
    results = [
        {
            "slug": hit.article.slug,
            "title": hit.translation.title,
            "url": hit.url,
            "snippet": hit.snippet_text,
        }
        for hit in hits
    ]
    response = JsonResponse(
        {"results": results, "language": found.language, "corrected": found.corrected},
        json_dumps_params={"ensure_ascii": False},
    )
    if counted:
        response.replay = (text, language, len(hits))
    return response

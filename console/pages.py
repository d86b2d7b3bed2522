"""The console's own admin pages, across the apps: one page per customer, the FAQ link search beside
the reply box, and turning an agent's answer into an FAQ draft. Thin views: the rules live in
console.customers, faq.models.Article.draft_from_answer and faq.search."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from console.counting import model_admin_for
from console.customers import customer_record, may_look_up_customers
from faq import search
from faq.models import Article
from tickets.models import CannedReply, Message, Ticket

FAQ_LINK_RESULTS = 8


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def customer_page(request: HttpRequest) -> HttpResponse:
    """/admin/console/customer/?email=…: everything of that address this person may read."""
    email = (request.GET.get("email") or "").strip()
    error = ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            error = _("“%(email)s” is not an e-mail address.") % {"email": email[:254]}
    if not may_look_up_customers(request):
        raise PermissionDenied
    record = customer_record(request, email) if email and not error else None
    context = _context(
        request, _("Customer %(email)s") % {"email": email} if record else _("Customer"), record=record, error=error
    )
    return TemplateResponse(request, "admin/console/customer.html", context, status=400 if error else 200)


def _faq_hits(text: str, language: str) -> list[dict]:
    if not text:
        return []
    return [
        {"title": hit.translation.title, "url": settings.SITE_URL + hit.translation.get_absolute_url()}
        for hit in search.search(text[: search.MAX_QUERY_LENGTH], language, limit=FAQ_LINK_RESULTS)
    ]


def faq_links(request: HttpRequest) -> HttpResponse:
    """The FAQ search beside the reply box: JSON for the script that inserts a link at the cursor,
    and without JavaScript a page of the articles' public links to copy."""
    if not request.user.has_perm("faq.view_article"):
        raise PermissionDenied
    text = (request.GET.get("q") or "").strip()
    language = request.GET.get("lang") if request.GET.get("lang") in dict(settings.LANGUAGES) else "ko"
    hits = _faq_hits(text, language)
    if request.GET.get("format") == "json":
        return JsonResponse({"query": text, "language": language, "results": hits})
    context = _context(request, _("FAQ links"), query=text, language=language, hits=hits)
    return TemplateResponse(request, "admin/console/faq_links.html", context)


def canned_reply(request: HttpRequest, ticket_id: int, reply_id: int) -> JsonResponse:
    """A canned reply filled in for this ticket, for the reply box (the same placeholders as sent)."""
    ticket_admin = model_admin_for(Ticket)
    if not (ticket_admin.has_change_permission(request) and request.user.has_perm("tickets.view_cannedreply")):
        raise PermissionDenied
    ticket = get_object_or_404(ticket_admin.get_queryset(request), pk=ticket_id)
    reply = get_object_or_404(CannedReply, pk=reply_id)
    return JsonResponse({"text": reply.render(ticket)})


def faq_draft(request: HttpRequest, message_id: int) -> HttpResponse:
    """POST: an unpublished FAQ article from an agent's answer (question = the ticket's subject,
    answer = the message, in the ticket's language), then its admin page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    ticket_admin, article_admin = model_admin_for(Ticket), model_admin_for(Article)
    if not (ticket_admin.has_view_permission(request) and article_admin.has_add_permission(request)):
        raise PermissionDenied
    message = get_object_or_404(
        Message.objects.select_related("ticket"), pk=message_id, author_kind=Message.Author.AGENT, is_internal=False
    )
    ticket = message.ticket
    try:
        article, created = Article.draft_from_answer(
            slug=f"draft-{ticket.reference.lower()}-{message.pk}",
            question=ticket.subject,
            answer=message.body,
            language=ticket.language,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    if created:
        messages.success(
            request, _("FAQ draft created from the answer on %(reference)s.") % {"reference": ticket.reference}
        )
    else:
        messages.info(request, _("This answer is already an FAQ draft."))
    return HttpResponseRedirect(reverse("admin:faq_article_change", args=[article.pk]))

"""The widget's HTTP side: availability, starting a chat (after the suggested articles), counting an
article that answered, and leaving a message when nobody is there. The conversation itself is on
the WebSocket (chat/consumers.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chat import notify
from chat.consumers import CHAT_COOKIE
from chat.forms import ChatFilesForm, DeflectionForm, PreChatForm
from chat.hours import chat_channel, chat_is_open
from chat.models import Chat, ChatDeflection, ChatRefused, availability_summary
from chat.protocol import chat_payload, stored_payload
from faq.search import search
from helpcenter import ratelimit
from helpcenter.downloads import stored_file
from helpcenter.languages import current_language
from tickets.models import Attachment, Ticket

SUGGESTIONS = 3


def _errors(form) -> JsonResponse:
    return JsonResponse(
        {"errors": {name: [str(e) for e in errors] for name, errors in form.errors.items()}}, status=400
    )


def _too_many() -> JsonResponse:
    return JsonResponse(
        {"error": _("We have received several requests from you in the last hour. Please wait a little.")}, status=429
    )


@never_cache
@require_GET
def csrf_token(request: HttpRequest) -> JsonResponse:
    """The CSRF token for the widget's posts, with its cookie: asked for only when the widget is used,
    so that the pages around it can be shared from the cache (they set no cookie)."""
    return JsonResponse({"token": get_token(request)})


@require_GET
def status(request: HttpRequest) -> JsonResponse:
    channel = chat_channel()
    chat = Chat.for_token(request.COOKIES.get(CHAT_COOKIE))
    summary = availability_summary()
    # A chat in progress resumes; an ended one stays until it is rated or the widget forgets it.
    resumable = chat is not None and (chat.state != Chat.State.ENDED or chat.rating is None)
    return JsonResponse(
        {
            "open": chat_is_open(channel=channel),
            "hours": channel.hours if channel else "",
            **summary,
            "chat": chat_payload(chat) if resumable else None,
        }
    )


@require_POST
def start(request: HttpRequest) -> JsonResponse:
    form = PreChatForm(request.POST)
    if not form.is_valid():
        return _errors(form)
    data = form.cleaned_data
    language = current_language()
    if not data["confirm"]:
        hits = search(data["text"], language, limit=SUGGESTIONS)
        if hits:
            suggestions = [{"slug": h.article.slug, "title": h.translation.title, "url": h.url} for h in hits]
            return JsonResponse({"suggestions": suggestions})
    if not chat_is_open() or availability_summary(data["topic"])["agents_online"] == 0:
        return JsonResponse({"leave_message": True, "error": _("No agent is available right now.")}, status=409)
    if not ratelimit.allow(request, address=data["email"]):
        return _too_many()
    chat, token = Chat.start(
        name=data["name"], email=data["email"], topic=data["topic"], text=data["text"], language=language
    )
    notify.queue_changed([chat] if chat.agent_id else [])
    response = JsonResponse({"chat": chat_payload(chat)}, status=201)
    # HttpOnly: no script on the page (nor an injected one) can read the token; the socket sends it.
    response.set_cookie(
        CHAT_COOKIE,
        token,
        max_age=60 * 60 * 24,
        httponly=True,
        secure=not settings.DEBUG,
        samesite="Lax",
    )
    return response


@require_POST
def deflected(request: HttpRequest) -> JsonResponse:
    form = DeflectionForm(request.POST)
    if not form.is_valid():
        return _errors(form)
    ChatDeflection.objects.create(
        question=form.cleaned_data["question"][:200],
        article_slug=form.cleaned_data["article"],
        language=current_language(),
    )
    return JsonResponse({"thanks": _("Glad the article helped.")})


@require_POST
def leave_message(request: HttpRequest) -> JsonResponse:
    """Nobody online or outside hours: the question becomes a ticket, answered by e-mail."""
    form = PreChatForm(request.POST)
    if not form.is_valid():
        return _errors(form)
    data = form.cleaned_data
    if not ratelimit.allow(request, address=data["email"]):
        return _too_many()
    ticket = Ticket.objects.create(
        subject=data["text"].splitlines()[0][:120],
        requester_name=data["name"],
        requester_email=data["email"],
        language=current_language(),
        channel=Ticket.Channel.CHAT,
        topic=data["topic"],
    )
    ticket.add_customer_message(data["text"])
    return JsonResponse(
        {
            "reference": ticket.reference,
            "message": _("Thank you. We will answer by e-mail; your request number is %(reference)s.")
            % {"reference": ticket.reference},
        },
        status=201,
    )


@require_POST
def forget(request: HttpRequest) -> JsonResponse:
    """The widget is done with an ended chat: the next visit starts afresh."""
    response = JsonResponse({})
    response.delete_cookie(CHAT_COOKIE)
    return response


def _customer_may_send_files(request: HttpRequest, chat: Chat) -> bool:
    # Counted like the other uploads (contact form, refund evidence), on a count of its own.
    limit = settings.CHAT_FILES_PER_HOUR
    return ratelimit.allow(
        request, address=chat.ticket.requester_email, kind="chat-files", per_ip=limit, per_address=limit
    )


def post_files(request: HttpRequest, chat: Chat, agent: AbstractBaseUser | None = None) -> JsonResponse:
    """Files in a chat, from its customer (agent=None) or an agent: stored as the chat ticket's
    message, then announced on the sockets like any message. 201 with the message, 200 for a resend."""
    form = ChatFilesForm(request.POST, request.FILES)
    if not form.is_valid():
        return _errors(form)
    if agent is None and not _customer_may_send_files(request, chat):
        return JsonResponse(
            {
                "code": "too_many_files",
                "error": _("You have sent several files in the last hour. Please wait a little before sending more."),
            },
            status=429,
        )
    try:
        stored = chat.post(
            client_id=form.cleaned_data["id"],
            text=form.cleaned_data["text"],
            agent=agent,
            uploads=form.cleaned_data["files"],
        )
    except ChatRefused as refusal:
        return JsonResponse(
            {"code": refusal.code, "error": refusal.message}, status=403 if refusal.code == "forbidden" else 409
        )
    payload = stored_payload(chat, stored)
    if stored.created:
        notify.message_stored(chat, payload["message"])
    return JsonResponse({"message": payload["message"]}, status=201 if stored.created else 200)


def private_file(attachment: Attachment) -> FileResponse:
    """A chat file as a download (never shown inline, never kept by a shared cache)."""
    response = stored_file(attachment.file, attachment.filename, attachment.content_type)
    patch_cache_control(response, private=True)
    return response


@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    chat = Chat.for_token(request.COOKIES.get(CHAT_COOKIE))
    if chat is None:
        return JsonResponse({"code": "forbidden", "error": _("Start a chat first.")}, status=403)
    return post_files(request, chat)


@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file of the visitor's own chat; any other (another customer's, an internal note's) is a 404."""
    chat = Chat.for_token(request.COOKIES.get(CHAT_COOKIE))
    item = chat.customer_attachment(pk) if chat else None
    if item is None:
        raise Http404("no such file in your chat")
    return private_file(item)

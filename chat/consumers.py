"""The chat's WebSocket endpoints, one for customers and one for agents. Each frame: authenticate,
parse, call the chat model, answer; the rules themselves are in chat/models.py."""

from __future__ import annotations

import json

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import two_factor
from chat import notify, protocol
from chat.models import AgentAvailability, Chat, ChatRefused, Stored, is_chat_staff
from helpcenter.languages import current_language

CHAT_COOKIE = "hc_chat"


class ChatConsumer(AsyncJsonWebsocketConsumer):
    allowed_types: set[str] = set()

    async def dispatch(self, message: dict) -> None:
        # Channels tidies database connections before every frame and every layer event, which is
        # a trip to the database thread each time (an agent hears 25 chats); database_sync_to_async
        # tidies them around the calls that use the database.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > protocol.MAX_FRAME_CHARS:
            await self.refuse("", ChatRefused("too_long", _("This message is too large.")))
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.refuse("", ChatRefused("bad_frame", _("Each frame is a JSON object.")))
            return
        client_id = content.get("id", "") if isinstance(content, dict) else ""
        with translation.override(self.language):
            try:
                self.budget.spend()
                frame = protocol.parse(content, self.allowed_types)
                await getattr(self, "do_" + frame["type"])(frame)
            except ChatRefused as refusal:
                await self.refuse(client_id, refusal)

    async def refuse(self, client_id: str, refusal: ChatRefused) -> None:
        await self.send_json({"type": "error", "id": client_id, "code": refusal.code, "message": str(refusal.message)})

    @property
    def language(self) -> str:
        query = self.scope.get("query_string", b"").decode()
        for pair in query.split("&"):
            if pair.startswith("lang=") and pair[5:] in ("ko", "en"):
                return pair[5:]
        return current_language()

    # Events from the channel layer.

    async def chat_message(self, event: dict) -> None:
        if event["origin"] != self.channel_name and self.may_see(event["message"]):
            # A message with files is announced as an "attachment": the files are fetched over HTTP.
            kind = "attachment" if event["message"]["attachments"] else "message"
            await self.send_json({"type": kind, "chat": event["chat"], "message": event["message"]})

    async def chat_typing(self, event: dict) -> None:
        if event["origin"] != self.channel_name:
            await self.send_json({k: event[k] for k in ("chat", "who", "typing")} | {"type": "typing"})

    async def chat_read(self, event: dict) -> None:
        if event["origin"] != self.channel_name:
            await self.send_json({k: event[k] for k in ("chat", "who", "up_to")} | {"type": "read"})

    async def chat_state(self, event: dict) -> None:
        await self.send_json({"type": "state", "chat": event["chat"]})

    async def chat_revoked(self, event: dict) -> None:
        pass  # the customer's way in was replaced; agents stay

    def may_see(self, message: dict) -> bool:
        return True

    async def typing_notice(self, chat_id: int, who: str, typing: object) -> None:
        await notify.send_to_group(
            self.channel_layer,
            notify.chat_group(chat_id),
            {"type": "chat.typing", "chat": chat_id, "who": who, "typing": typing is True, "origin": self.channel_name},
        )

    async def read_notice(self, chat_id: int, who: str, up_to: int) -> None:
        await notify.send_to_group(
            self.channel_layer,
            notify.chat_group(chat_id),
            {"type": "chat.read", "chat": chat_id, "who": who, "up_to": up_to, "origin": self.channel_name},
        )

    async def announce(self, stored: dict) -> None:
        """After the ack: the other side hears a new message; a resend was announced the first time."""
        if stored["created"]:
            await notify.announce_message(
                self.channel_layer, stored["chat"], stored["agent"], stored["message"], origin=self.channel_name
            )


def _up_to(frame: dict) -> int:
    value = frame.get("up_to")
    if not isinstance(value, int) or isinstance(value, bool):
        raise ChatRefused("bad_read", _("Say up to which message you have read."))
    return value


class CustomerConsumer(ChatConsumer):
    """ws/chat/ — the customer of the chat whose token is in the HttpOnly cookie."""

    allowed_types = protocol.CUSTOMER_TYPES

    async def connect(self) -> None:
        self.budget = protocol.Budget()
        self.chat = await database_sync_to_async(Chat.for_token)(self.scope.get("cookies", {}).get(CHAT_COOKIE))
        if self.chat is None:
            await self.close()  # refused before the handshake: no chat for this token
            return
        await self.channel_layer.group_add(notify.chat_group(self.chat.pk), self.channel_name)
        await self.accept()
        await self.send_json(await self.welcome())

    async def disconnect(self, code: int) -> None:
        if getattr(self, "chat", None) is not None:
            await self.channel_layer.group_discard(notify.chat_group(self.chat.pk), self.channel_name)

    @database_sync_to_async
    def welcome(self) -> dict:
        self.chat.refresh_from_db()
        messages = [protocol.message_payload(m) for m in self.chat.history(for_agent=False)]
        return {"type": "welcome", "chat": protocol.chat_payload(self.chat), "messages": messages}

    def may_see(self, message: dict) -> bool:
        return not message["internal"]

    async def chat_revoked(self, event: dict) -> None:
        # Staff issued a new private link: whoever holds the old cookie is out now, not at their
        # next reconnect. 4403: refused, do not retry with the same cookie.
        await self.close(code=4403)

    async def do_history(self, frame: dict) -> None:
        welcome = await self.welcome()
        await self.send_json({"type": "history", "id": frame["id"], **{k: welcome[k] for k in ("chat", "messages")}})

    async def do_message(self, frame: dict) -> None:
        stored = await self.post(frame["id"], frame.get("text"))
        await self.send_json({"type": "ack", "id": frame["id"], "message": stored["message"]})
        await self.announce(stored)

    async def layer_resumed(self, event: dict) -> None:
        # Back after the channel layer was lost (chat/layers.py): what was said meanwhile.
        await self.send_json(await self.welcome())

    @database_sync_to_async
    def post(self, client_id: str, text: object) -> dict:
        # The chat as it is now (ended? whose?) with its ticket, in one query.
        self.chat = Chat.objects.select_related("ticket").get(pk=self.chat.pk)
        stored = self.chat.post(client_id=client_id, text=text)
        return protocol.stored_payload(self.chat, stored)

    async def do_typing(self, frame: dict) -> None:
        await self.typing_notice(self.chat.pk, "customer", frame.get("typing"))

    async def do_read(self, frame: dict) -> None:
        up_to = await database_sync_to_async(self.chat.mark_read)(_up_to(frame), by_agent=False)
        await self.read_notice(self.chat.pk, "customer", up_to)

    async def do_end(self, frame: dict) -> None:
        await database_sync_to_async(self.end)()
        await self.send_json({"type": "ack", "id": frame["id"]})

    def end(self) -> None:
        ended, assigned = self.chat.end()
        if ended:
            notify.state_changed(self.chat)
            notify.queue_changed(assigned)

    async def do_rating(self, frame: dict) -> None:
        await database_sync_to_async(self.rate)(frame.get("score"), frame.get("comment", ""))
        await self.send_json({"type": "ack", "id": frame["id"]})

    def rate(self, score: object, comment: object) -> None:
        self.chat.refresh_from_db()
        self.chat.rate(score, comment)

    async def do_transcript(self, frame: dict) -> None:
        from chat.transcript import send_transcript

        await database_sync_to_async(send_transcript)(self.chat, self.language)
        await self.send_json({"type": "ack", "id": frame["id"]})


class AgentConsumer(ChatConsumer):
    """ws/chat/agent/ — an agent or supervisor, by their admin session: the queue, their chats."""

    allowed_types = protocol.AGENT_TYPES

    async def connect(self) -> None:
        self.budget = protocol.Budget(per_minute=protocol.settings.CHAT_MESSAGES_PER_MINUTE * 4)
        self.user = self.scope.get("user")
        if not await database_sync_to_async(self.may_work)():
            await self.close()
            return
        self.joined: set[int] = set()
        await self.channel_layer.group_add(notify.AGENTS_GROUP, self.channel_name)
        await self.channel_layer.group_add(notify.agent_group(self.user.pk), self.channel_name)
        await self.accept()
        welcome = await self.overview("welcome")
        for chat in welcome["chats"]:
            await self.join(chat["id"])
        await self.send_json(welcome)

    def may_work(self) -> bool:
        # The admin asks for the second factor before any page; the socket asks the same.
        return is_chat_staff(self.user) and two_factor.session_passes(self.user, self.scope.get("session"))

    async def disconnect(self, code: int) -> None:
        if getattr(self, "joined", None) is None:
            return
        await self.channel_layer.group_discard(notify.AGENTS_GROUP, self.channel_name)
        await self.channel_layer.group_discard(notify.agent_group(self.user.pk), self.channel_name)
        for chat_id in self.joined:
            await self.channel_layer.group_discard(notify.chat_group(chat_id), self.channel_name)

    @database_sync_to_async
    def overview(self, kind: str) -> dict:
        availability = AgentAvailability.for_agent(self.user)
        visible = Chat.objects.visible_to(self.user).select_related("ticket", "agent")
        return {
            "type": kind,
            "availability": {"status": availability.status, "capacity": availability.capacity},
            "queue": [protocol.chat_payload(c) for c in visible.waiting()],
            "chats": [protocol.chat_payload(c) for c in visible.filter(agent=self.user).open()],
        }

    @database_sync_to_async
    def readable_chat(self, frame: dict) -> Chat:
        return self.readable(frame)

    def readable(self, frame: dict) -> Chat:
        chat = Chat.objects.select_related("ticket", "agent").filter(pk=protocol.chat_id_of(frame)).first()
        if chat is None or not chat.agent_may_read(self.user):
            raise ChatRefused("forbidden", _("You cannot read this chat."))
        return chat

    async def join(self, chat_id: int) -> None:
        if chat_id not in self.joined:
            self.joined.add(chat_id)
            await self.channel_layer.group_add(notify.chat_group(chat_id), self.channel_name)

    async def do_open(self, frame: dict) -> None:
        chat = await self.readable_chat(frame)
        await self.join(chat.pk)
        await self.send_json(await self.history_of(chat, frame["id"]))

    do_history = do_open

    @database_sync_to_async
    def history_of(self, chat: Chat, client_id: str) -> dict:
        messages = [protocol.message_payload(m) for m in chat.history(for_agent=True)]
        return {"type": "history", "id": client_id, "chat": protocol.chat_payload(chat), "messages": messages}

    async def do_accept(self, frame: dict) -> None:
        chat = await self.readable_chat(frame)
        await database_sync_to_async(self.accept_chat)(chat)
        await self.join(chat.pk)
        await self.send_json({"type": "ack", "id": frame["id"]})

    def accept_chat(self, chat: Chat) -> None:
        chat.accept(self.user)
        notify.queue_changed([chat])

    async def do_message(self, frame: dict) -> None:
        stored = await self.post(frame)
        await self.send_json({"type": "ack", "id": frame["id"], "message": stored["message"]})
        await self.announce(stored)

    @database_sync_to_async
    def post(self, frame: dict) -> dict:
        chat = self.readable(frame)
        return protocol.stored_payload(chat, chat.post(client_id=frame["id"], text=frame.get("text"), agent=self.user))

    async def do_note(self, frame: dict) -> None:
        stored = await self.note(frame)
        await self.send_json({"type": "ack", "id": frame["id"], "message": stored["message"]})
        await self.announce(stored)

    @database_sync_to_async
    def note(self, frame: dict) -> dict:
        chat = self.readable(frame)
        message = chat.add_note(self.user, frame.get("text"))
        return protocol.stored_payload(chat, Stored(message, created=True, attachments=[]))

    async def do_typing(self, frame: dict) -> None:
        chat = await self.readable_chat(frame)
        await self.typing_notice(chat.pk, "agent", frame.get("typing"))

    async def do_read(self, frame: dict) -> None:
        chat = await self.readable_chat(frame)
        up_to = await database_sync_to_async(chat.mark_read)(_up_to(frame), by_agent=True)
        await self.read_notice(chat.pk, "agent", up_to)

    async def do_end(self, frame: dict) -> None:
        chat = await self.readable_chat(frame)
        await database_sync_to_async(self.end_chat)(chat)
        await self.send_json({"type": "ack", "id": frame["id"]})

    def end_chat(self, chat: Chat) -> None:
        ended, assigned = chat.end(agent=self.user)
        if ended:
            notify.state_changed(chat)
            notify.queue_changed(assigned)

    async def do_transfer(self, frame: dict) -> None:
        chat = await self.readable_chat(frame)
        await database_sync_to_async(self.transfer)(chat, frame.get("to"))
        await self.send_json({"type": "ack", "id": frame["id"]})

    def transfer(self, chat: Chat, to: object) -> None:
        target = get_user_model().objects.filter(pk=to).first() if isinstance(to, int) else None
        if target is None:
            raise ChatRefused("bad_agent", _("Chats can only go to an agent or a supervisor."))
        chat.transfer(self.user, target)
        notify.state_changed(chat)

    async def do_availability(self, frame: dict) -> None:
        await database_sync_to_async(self.set_availability)(frame.get("status"), frame.get("capacity"))
        await self.send_json(await self.overview("overview") | {"id": frame["id"]})

    def set_availability(self, status: object, capacity: object) -> None:
        if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool)):
            raise ChatRefused("bad_capacity", _("Capacity is between 1 and 20 chats."))
        assigned = AgentAvailability.for_agent(self.user).set_status(status, capacity)
        notify.queue_changed(assigned)

    # Events for agents only.

    async def chat_queue(self, event: dict) -> None:
        await self.send_json(await self.overview("queue"))

    async def chat_assigned(self, event: dict) -> None:
        await self.join(event["chat"]["id"])
        await self.send_json({"type": "state", "chat": event["chat"]})

    async def chat_signal(self, event: dict) -> None:
        # The same message also reaches this connection through the chat's group once it has joined.
        if event["chat"] not in self.joined and event["origin"] != self.channel_name:
            await self.send_json({"type": "signal", "chat": event["chat"], "message": event["message"]})

    async def layer_resumed(self, event: dict) -> None:
        # Back after the channel layer was lost (chat/layers.py): the queue and, for each of the
        # agent's chats, what was said meanwhile.
        await self.send_json(await self.overview("welcome"))
        for chat_id in sorted(self.joined):
            try:
                chat = await self.readable_chat({"chat": chat_id})
            except ChatRefused:
                continue  # transferred away meanwhile
            await self.send_json(await self.history_of(chat, ""))

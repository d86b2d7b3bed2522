// The agent's chat console in the admin: one client of docs/chat-protocol.md (ws/chat/agent/).
(function () {
  "use strict";
  var root = document.getElementById("chat-console");
  if (!root || !window.WebSocket) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var text = function (name) { return root.getAttribute("data-text-" + name) || ""; };
  var socket = null, retryDelay = 1000, current = null, chats = {}, counter = 0, typingSent = 0, typingTimer = null;
  var unread = {};

  function newId() { counter += 1; return "agent-" + Date.now() + "-" + counter; }
  function send(frame) { if (socket && socket.readyState === 1) { socket.send(JSON.stringify(frame)); } }
  function error(message) { $("chat-room-error").textContent = message; $("chat-room-error").hidden = !message; }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/chat/agent/?lang=" + root.getAttribute("data-lang"));
    socket.addEventListener("open", function () {
      retryDelay = 1000; error("");
      if (current) { send({ type: "open", id: newId(), chat: current }); }
    });
    socket.addEventListener("message", function (event) { receive(JSON.parse(event.data)); });
    socket.addEventListener("close", function () {
      error(text("disconnected"));
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  function listItem(chat, action) {
    var li = document.createElement("li"), button = document.createElement("button");
    button.type = "button";
    button.className = "button" + (unread[chat.id] ? " chat-unread" : "");
    button.textContent = action + " · " + chat.reference + " · " + chat.customer + " (" + chat.topic + ")";
    button.setAttribute("data-chat", chat.id);
    button.addEventListener("click", function () {
      if (chat.state === "waiting") { send({ type: "accept", id: newId(), chat: chat.id }); }
      openChat(chat.id);
    });
    li.appendChild(button);
    return li;
  }
  function overview(frame) {
    var queue = $("chat-queue"), mine = $("chat-mine");
    queue.innerHTML = ""; mine.innerHTML = "";
    frame.queue.forEach(function (chat) { queue.appendChild(listItem(chat, text("accept"))); });
    if (!frame.queue.length) { var empty = document.createElement("li"); empty.textContent = text("empty"); queue.appendChild(empty); }
    frame.chats.forEach(function (chat) { chats[chat.id] = chat; mine.appendChild(listItem(chat, text("open"))); });
    if (frame.availability) {
      $("chat-status").value = frame.availability.status;
      $("chat-capacity").value = frame.availability.capacity;
    }
  }
  function openChat(id) {
    current = id;
    delete unread[id];
    send({ type: "open", id: newId(), chat: id });
  }
  function render(message) {
    var log = $("chat-room-log");
    if (log.querySelector("[data-id='" + message.id + "']")) { return; }
    var li = document.createElement("li"), who = document.createElement("span"), body = document.createElement("span");
    li.className = "chat-" + message.author + (message.internal ? " chat-internal" : "");
    li.setAttribute("data-id", message.id);
    who.className = "chat-who";
    who.textContent = (message.internal ? text("note") + " · " : "") + message.name;
    body.textContent = message.text;
    li.appendChild(who); li.appendChild(body);
    (message.attachments || []).forEach(function (file) {
      var link = document.createElement("a");
      link.href = root.getAttribute("data-attachment-url").replace("/0/", "/" + file.id + "/");
      link.textContent = file.name;
      link.className = "chat-file";
      link.setAttribute("download", "");
      li.appendChild(link);
    });
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }
  function showChat(chat) {
    chats[chat.id] = chat;
    $("chat-room").hidden = false;
    $("chat-room-title").textContent = chat.reference + " · " + chat.customer + (chat.state === "ended" ? " · " + text("ended") : "");
    $("chat-room-compose").hidden = chat.state === "ended";
    $("chat-room-ticket").href = "../../tickets/ticket/?q=" + encodeURIComponent(chat.reference);
  }
  function markRead(messages) {
    var last = 0;
    messages.forEach(function (m) { last = Math.max(last, m.id); });
    if (last) { send({ type: "read", id: newId(), chat: current, up_to: last }); }
  }

  function receive(frame) {
    if (frame.type === "welcome" || frame.type === "queue" || frame.type === "overview") { overview(frame); }
    else if (frame.type === "history") {
      if (frame.chat.id !== current) { return; }
      $("chat-room-log").innerHTML = "";
      frame.messages.forEach(render);
      showChat(frame.chat);
      markRead(frame.messages);
    } else if (frame.type === "message" || frame.type === "attachment") {
      if (frame.chat === current) { render(frame.message); $("chat-room-typing").hidden = true; markRead([frame.message]); }
      else { unread[frame.chat] = true; send({ type: "history", id: newId(), chat: frame.chat }); }
    } else if (frame.type === "ack") {
      if (frame.message) { render(frame.message); }
    } else if (frame.type === "typing") {
      if (frame.chat === current && frame.who === "customer") { $("chat-room-typing").textContent = text("typing"); $("chat-room-typing").hidden = !frame.typing; }
    } else if (frame.type === "state") {
      chats[frame.chat.id] = frame.chat;
      if (frame.chat.id === current) { showChat(frame.chat); }
    } else if (frame.type === "error") { error(frame.message); }
  }

  function post(kind) {
    var input = $("chat-room-input"), value = input.value.trim();
    if (!value || !current) { return; }
    send({ type: kind, id: newId(), chat: current, text: value });
    input.value = "";
    error("");
  }

  // Files go over HTTP with the customer's checks; the socket announces them to the customer.
  $("chat-room-file").addEventListener("change", function (event) {
    var chooser = event.target;
    if (!chooser.files.length || !current) { return; }
    var body = new FormData();
    body.append("id", newId());
    Array.prototype.forEach.call(chooser.files, function (file) { body.append("files", file); });
    var url = root.getAttribute("data-upload-url").replace("/0/attachments/", "/" + current + "/attachments/");
    var token = $("chat-room-compose").querySelector("[name=csrfmiddlewaretoken]").value;
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token } })
      .then(function (response) { return response.json(); })
      .then(function (json) {
        chooser.value = "";
        if (json.message) { render(json.message); error(""); return; }
        var messages = [];
        if (json.errors) { Object.keys(json.errors).forEach(function (key) { messages = messages.concat(json.errors[key]); }); }
        if (json.error) { messages.push(json.error); }
        error(messages.join(" "));
      });
  });
  $("chat-room-compose").addEventListener("submit", function (event) { event.preventDefault(); post("message"); });
  $("chat-room-note").addEventListener("click", function () { post("note"); });
  $("chat-room-input").addEventListener("input", function () {
    var now = Date.now();
    if (now - typingSent > 2000) { send({ type: "typing", id: newId(), chat: current, typing: true }); typingSent = now; }
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { send({ type: "typing", id: newId(), chat: current, typing: false }); typingSent = 0; }, 3000);
  });
  $("chat-room-end").addEventListener("click", function () { send({ type: "end", id: newId(), chat: current }); });
  $("chat-room-transfer").addEventListener("change", function (event) {
    if (event.target.value) { send({ type: "transfer", id: newId(), chat: current, to: parseInt(event.target.value, 10) }); event.target.value = ""; }
  });
  $("chat-room-canned").addEventListener("change", function (event) {
    var reply = event.target.value;
    if (!reply || !current) { return; }
    var url = root.getAttribute("data-canned-url").replace("/0/canned/0/", "/" + current + "/canned/" + reply + "/");
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (json) {
      $("chat-room-input").value = json.text;
      $("chat-room-input").focus();
    });
    event.target.value = "";
  });
  $("chat-availability").addEventListener("submit", function (event) {
    event.preventDefault();
    send({ type: "availability", id: newId(), status: $("chat-status").value, capacity: parseInt($("chat-capacity").value, 10) });
  });
  connect();
})();

// The customer's chat widget: one client of docs/chat-protocol.md.
// Progressive enhancement: without this script the launcher is a link to the contact form.
// No inline script or style anywhere (Content Security Policy): text comes from data-* attributes,
// with {name} placeholders ({% translate %} would double a % sign in the message id).
(function () {
  "use strict";
  var root = document.getElementById("chat-widget");
  if (!root || !window.WebSocket || !window.fetch) { return; }

  var $ = function (id) { return document.getElementById(id); };
  var text = function (name, values) {
    var value = root.getAttribute("data-text-" + name) || "";
    Object.keys(values || {}).forEach(function (key) { value = value.replace("{" + key + "}", values[key]); });
    return value;
  };
  var lang = root.getAttribute("data-lang") || "ko";
  var launcher = $("chat-launcher"), panel = $("chat-panel"), log = $("chat-log"), input = $("chat-input");
  var PENDING_KEY = "hc-chat-pending", DRAFT_KEY = "hc-chat-draft";
  var socket = null, retryDelay = 1000, chat = null, status = null, seen = {}, typingTimer = null, typingSent = 0;
  var pending = load(PENDING_KEY, {});  // client id -> text, until the server acknowledges it
  var lastQuestion = "";

  function load(key, fallback) {
    try { return JSON.parse(window.localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: memory only */ }
  }
  function newId() {
    return (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID() : "c-" + Date.now() + "-" + Math.random().toString(36).slice(2);
  }
  // The pages are shared from the cache without a CSRF cookie: the token (and its cookie) is asked
  // for once, when the visitor first sends something.
  var csrfToken = null;
  function csrf() {
    if (csrfToken) { return Promise.resolve(csrfToken); }
    return fetch(root.getAttribute("data-token-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (json) { csrfToken = json.token; return csrfToken; });
  }
  function show(step) {
    ["chat-start", "chat-suggestions", "chat-left", "chat-conversation"].forEach(function (id) { $(id).hidden = id !== step; });
  }
  function post(url, data) {
    var body = new FormData();
    Object.keys(data).forEach(function (key) { body.append(key, data[key]); });
    return csrf()
      .then(function (token) { return fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token } }); })
      .then(function (response) { return response.json().then(function (json) { json.status = response.status; return json; }); });
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    if (chat) { show("chat-conversation"); connect(); } else { show("chat-start"); $("chat-name").focus(); }
  }
  function close() { panel.hidden = true; launcher.setAttribute("aria-expanded", "false"); launcher.focus(); }

  function describe() {
    var line = $("chat-availability");
    if (!status) { return; }
    if (!status.open) { return; }
    if (status.agents_online === 0) { line.textContent = text("nobody"); }
    else if (status.expected_wait_minutes === 0) { line.textContent = text("available"); }
    else { line.textContent = text("wait", { minutes: status.expected_wait_minutes }); }
    var leave = !status.open || status.agents_online === 0;
    $("chat-start-button").hidden = leave;
    $("chat-leave-button").hidden = !leave;
  }

  function refreshStatus() {
    return fetch(root.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (json) {
        status = json;
        describe();
        if (json.chat) { chat = json.chat; open(); }
      })
      .catch(function () { /* the launcher still works as a link to the contact form */ });
  }

  // --- before the chat: the form, the suggested articles, leaving a message ------------------

  function formData(confirm) {
    return {
      name: $("chat-name").value, email: $("chat-email").value, topic: $("chat-topic").value,
      text: $("chat-question").value, confirm: confirm ? "1" : ""
    };
  }
  function formError(json) {
    var error = $("chat-start-error");
    var messages = [];
    if (json.errors) { Object.keys(json.errors).forEach(function (key) { messages = messages.concat(json.errors[key]); }); }
    if (json.error) { messages.push(json.error); }
    error.textContent = messages.join(" ");
    error.hidden = messages.length === 0;
  }
  function start(confirm) {
    lastQuestion = $("chat-question").value;
    post(root.getAttribute("data-start-url"), formData(confirm)).then(function (json) {
      formError({});
      if (json.suggestions) { return suggest(json.suggestions); }
      if (json.leave_message) { status.agents_online = 0; describe(); show("chat-start"); return formError(json); }
      if (json.chat) { chat = json.chat; show("chat-conversation"); return connect(); }
      show("chat-start");
      formError(json);
    });
  }
  function suggest(suggestions) {
    var list = $("chat-suggestion-list");
    list.innerHTML = "";
    suggestions.forEach(function (item) {
      var li = document.createElement("li"), link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.title;
      link.setAttribute("data-slug", item.slug);
      link.addEventListener("click", function () {
        // Opening an article from the chat is counted: it answered the question before a person did.
        post(root.getAttribute("data-deflected-url"), { question: lastQuestion, article: item.slug });
      });
      li.appendChild(link);
      list.appendChild(li);
    });
    show("chat-suggestions");
  }
  function leaveMessage() {
    post(root.getAttribute("data-leave-url"), formData(true)).then(function (json) {
      if (json.reference) { $("chat-left").textContent = json.message; show("chat-left"); } else { formError(json); }
    });
  }

  // --- the conversation --------------------------------------------------------------------

  function connect() {
    if (socket && socket.readyState <= 1) { return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/chat/?lang=" + lang);
    socket.addEventListener("open", function () { retryDelay = 1000; $("chat-error").hidden = true; });
    socket.addEventListener("message", function (event) { receive(JSON.parse(event.data)); });
    socket.addEventListener("close", function () {
      socket = null;
      if (chat && chat.state !== "ended") {
        $("chat-error").textContent = text("reconnecting");
        $("chat-error").hidden = false;
        window.setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      }
    });
  }
  function send(frame) {
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function resendPending() {
    Object.keys(pending).forEach(function (id) { send({ type: "message", id: id, text: pending[id] }); });
  }

  function render(message) {
    if (message.internal) { return; }
    var item = seen[message.id] || (message.client_id && log.querySelector("[data-client-id='" + message.client_id + "']"));
    if (!item) {
      item = document.createElement("li");
      item.className = "chat-line chat-" + message.author;
      var who = document.createElement("span"), body = document.createElement("span"), mark = document.createElement("span");
      who.className = "chat-who small fw-semibold";
      body.className = "chat-text";
      mark.className = "chat-mark small text-body-secondary";
      item.appendChild(who); item.appendChild(body); item.appendChild(mark);
      log.appendChild(item);
    }
    if (message.client_id) { item.setAttribute("data-client-id", message.client_id); }
    if (message.id) { item.setAttribute("data-id", message.id); seen[message.id] = item; }
    item.children[0].textContent = message.author === "customer" ? text("you") : message.name;
    item.children[1].textContent = message.text;
    item.children[2].textContent = message.id ? "" : text("sending");
    showFiles(item, message.attachments);
    log.scrollTop = log.scrollHeight;
  }
  function showFiles(item, attachments) {
    if (!attachments || !attachments.length) { return; }
    var files = item.querySelector(".chat-files");
    if (!files) { files = document.createElement("span"); files.className = "chat-files d-block"; item.appendChild(files); }
    files.innerHTML = "";
    attachments.forEach(function (file) {
      var link = document.createElement("a");
      link.href = root.getAttribute("data-attachment-url").replace("/0/", "/" + file.id + "/");
      link.textContent = file.name;
      link.className = "d-block small";
      link.setAttribute("download", "");
      files.appendChild(link);
    });
  }
  // Files go over HTTP with the contact form's checks; the socket only announces them (docs/chat-protocol.md).
  function sendFiles() {
    var chooser = $("chat-file");
    if (!chooser.files.length) { return; }
    var body = new FormData();
    body.append("id", newId());
    Array.prototype.forEach.call(chooser.files, function (file) { body.append("files", file); });
    $("chat-error").hidden = true;
    csrf()
      .then(function (token) { return fetch(root.getAttribute("data-upload-url"), { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token } }); })
      .then(function (response) { return response.json(); })
      .then(function (json) {
        chooser.value = "";
        if (json.message) { render(json.message); return; }
        var messages = [];
        if (json.errors) { Object.keys(json.errors).forEach(function (key) { messages = messages.concat(json.errors[key]); }); }
        if (json.error) { messages.push(json.error); }
        $("chat-error").textContent = messages.join(" ");
        $("chat-error").hidden = false;
      })
      .catch(function () { $("chat-error").textContent = text("reconnecting"); $("chat-error").hidden = false; });
  }
  function markRead(upTo) {
    Array.prototype.forEach.call(log.querySelectorAll(".chat-customer"), function (item) {
      var id = parseInt(item.getAttribute("data-id") || "0", 10);
      if (id && id <= upTo) { item.children[2].textContent = text("read"); }
    });
  }
  function readUpTo() {
    var last = 0;
    Object.keys(seen).forEach(function (id) { last = Math.max(last, parseInt(id, 10)); });
    if (last && !panel.hidden && document.visibilityState !== "hidden") { send({ type: "read", id: newId(), up_to: last }); }
  }
  function setChat(state) {
    chat = state;
    var line = $("chat-state");
    if (state.state === "waiting") { line.textContent = text("position", { position: state.position }); }
    else if (state.state === "active") { line.textContent = text("with-agent", { agent: state.agent }); }
    else { line.textContent = text("ended"); }
    var ended = state.state === "ended";
    $("chat-compose").hidden = ended;
    $("chat-file").parentNode.hidden = ended;
    $("chat-end").hidden = ended;
    $("chat-after").hidden = !ended;
    $("chat-rating").hidden = state.rating !== null && state.rating !== undefined;
    $("chat-rating-comment").hidden = $("chat-rating").hidden;
    if (state.agent_read_up_to) { markRead(state.agent_read_up_to); }
  }

  function receive(frame) {
    if (frame.type === "welcome" || frame.type === "history") {
      log.innerHTML = "";
      seen = {};
      frame.messages.forEach(render);
      Object.keys(pending).forEach(function (id) { render({ client_id: id, author: "customer", text: pending[id] }); });
      setChat(frame.chat);
      resendPending();
      readUpTo();
    } else if (frame.type === "ack") {
      if (frame.message) { delete pending[frame.id]; save(PENDING_KEY, pending); render(frame.message); }
    } else if (frame.type === "message" || frame.type === "attachment") {
      render(frame.message);
      $("chat-typing").hidden = true;
      readUpTo();
    } else if (frame.type === "typing") {
      $("chat-typing").textContent = text("typing");
      $("chat-typing").hidden = !frame.typing;
    } else if (frame.type === "read") {
      if (frame.who === "agent") { markRead(frame.up_to); }
    } else if (frame.type === "state") {
      setChat(frame.chat);
    } else if (frame.type === "error") {
      if (pending[frame.id] !== undefined && frame.code !== "rate_limited") {
        delete pending[frame.id]; save(PENDING_KEY, pending);
        var failed = log.querySelector("[data-client-id='" + frame.id + "']");
        if (failed) { failed.remove(); }
      }
      $("chat-error").textContent = frame.message;
      $("chat-error").hidden = false;
    }
  }

  function submitMessage(event) {
    event.preventDefault();
    var value = input.value.trim();
    if (!value) { return; }
    var id = newId();
    pending[id] = value;
    save(PENDING_KEY, pending);  // kept until acknowledged: a reload or a lost network loses nothing
    render({ client_id: id, author: "customer", text: value });
    input.value = "";
    save(DRAFT_KEY, "");
    send({ type: "message", id: id, text: value });
    send({ type: "typing", id: newId(), typing: false });
    typingSent = 0;
  }
  function typed() {
    save(DRAFT_KEY, input.value);
    var now = Date.now();
    if (now - typingSent > 2000) { send({ type: "typing", id: newId(), typing: true }); typingSent = now; }
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { send({ type: "typing", id: newId(), typing: false }); typingSent = 0; }, 3000);
  }

  // --- wiring ------------------------------------------------------------------------------

  launcher.addEventListener("click", function (event) { event.preventDefault(); if (panel.hidden) { open(); } else { close(); } });
  Array.prototype.forEach.call(document.querySelectorAll("a[href$='#chat']"), function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); open(); });
  });
  $("chat-close").addEventListener("click", close);
  $("chat-start").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!$("chat-start-button").hidden) { start(false); } else { leaveMessage(); }
  });
  $("chat-still-talk").addEventListener("click", function () { start(true); });
  $("chat-compose").addEventListener("submit", submitMessage);
  $("chat-file").addEventListener("change", sendFiles);
  input.addEventListener("input", typed);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { submitMessage(event); }
  });
  input.value = load(DRAFT_KEY, "");
  $("chat-end").addEventListener("click", function () { send({ type: "end", id: newId() }); });
  Array.prototype.forEach.call($("chat-rating").querySelectorAll("button"), function (button) {
    button.addEventListener("click", function () {
      send({ type: "rating", id: newId(), score: parseInt(button.getAttribute("data-score"), 10), comment: $("chat-rating-comment").value });
      chat.rating = parseInt(button.getAttribute("data-score"), 10);
      setChat(chat);
      $("chat-after-status").textContent = text("thanks");
    });
  });
  $("chat-transcript").addEventListener("click", function () {
    send({ type: "transcript", id: newId() });
    $("chat-after-status").textContent = text("transcript");
  });
  $("chat-new").addEventListener("click", function () {
    post(root.getAttribute("data-forget-url"), {}).then(function () {
      chat = null; pending = {}; save(PENDING_KEY, pending);
      if (socket) { socket.close(); }
      log.innerHTML = ""; seen = {};
      show("chat-start");
    });
  });
  document.addEventListener("visibilitychange", readUpTo);
  refreshStatus();
})();

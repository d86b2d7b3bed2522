// On every admin page of an agent: a new message in one of their chats shows a link to the console.
// The console page itself has its own socket (chat-agent.js), so this one stays quiet there.
(function () {
  "use strict";
  if (!window.WebSocket) { return; }
  document.addEventListener("DOMContentLoaded", function () {
    var badge = document.getElementById("chat-signal");
    if (!badge || document.getElementById("chat-console")) { return; }
    var count = 0, delay = 1000;
    function connect() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + window.location.host + "/ws/chat/agent/?lang=" + (document.documentElement.lang || "ko"));
      socket.addEventListener("open", function () { delay = 1000; });
      socket.addEventListener("message", function (event) {
        var frame = JSON.parse(event.data);
        if ((frame.type === "signal" || frame.type === "message") && frame.message.author === "customer") {
          count += 1;
          badge.innerHTML = "";
          var link = document.createElement("a");
          link.href = badge.getAttribute("data-console-url");
          link.textContent = "💬 " + count + " · " + frame.message.name + ": " + frame.message.text.slice(0, 60);
          badge.appendChild(link);
          badge.hidden = false;
        }
      });
      socket.addEventListener("close", function () { window.setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); });
    }
    connect();
  });
})();

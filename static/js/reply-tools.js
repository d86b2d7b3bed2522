// Tools beside the ticket's reply box (console/templates/admin/console/faq_link_search.html).
// - The FAQ search asks console's faq-links page for JSON and offers each article with an "Insert
//   link" button that puts its title and public address into the reply where the cursor was.
//   Without JavaScript the form opens the same search as a page of links in a new tab.
// - Choosing a canned reply writes its text (placeholders filled in) into the reply box, so it can be
//   edited and given a link before sending. Without JavaScript the canned reply is sent as it is
//   when the box is left empty.
// A static file with no inline code, so it runs under the site's Content-Security-Policy.
(function () {
  "use strict";

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    // On a line of its own, so the link never runs into the agent's sentence.
    var prefix = before && !/\n$/.test(before) ? "\n" : "";
    var suffix = after && !/^\n/.test(after) ? "\n" : "";
    textarea.setRangeText(prefix + text + suffix, start, end, "end");
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setUp(picker) {
    var form = document.getElementById("faq-link-search");
    var results = document.getElementById("faq-link-results");
    var reply = document.getElementById(picker.dataset.target);
    if (!form || !results || !reply) {
      return;
    }
    var query = document.getElementById("faq-link-q");
    var canned = document.getElementById("id_canned_reply");
    if (canned && picker.dataset.cannedUrl) {
      canned.addEventListener("change", function () {
        if (!canned.value) {
          return;
        }
        fetch(picker.dataset.cannedUrl.replace(/0\/$/, canned.value + "/"), { credentials: "same-origin" })
          .then(function (response) {
            return response.ok ? response.json() : Promise.reject(new Error(response.status));
          })
          .then(function (data) {
            reply.value = "";
            insertAtCursor(reply, data.text);
          })
          .catch(function () {});
      });
    }

    function message(text) {
      var item = document.createElement("li");
      item.className = "console-faq-empty";
      item.textContent = text;
      results.replaceChildren(item);
    }

    function show(hits) {
      if (!hits.length) {
        message(picker.dataset.textNone);
        return;
      }
      results.replaceChildren.apply(
        results,
        hits.map(function (hit) {
          var item = document.createElement("li");
          var title = document.createElement("strong");
          title.textContent = hit.title;
          var link = document.createElement("a");
          link.href = hit.url;
          link.textContent = hit.url;
          link.target = "_blank";
          link.rel = "noopener";
          var insert = document.createElement("button");
          insert.type = "button";
          insert.className = "button console-faq-insert";
          insert.textContent = picker.dataset.textInsert;
          insert.addEventListener("click", function () {
            insertAtCursor(reply, hit.title + ": " + hit.url);
          });
          item.append(title, " ", link, " ", insert);
          return item;
        })
      );
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams(new FormData(form));
      params.set("q", query.value);
      params.set("format", "json");
      fetch(form.action + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (data) {
          show(data.results);
        })
        .catch(function () {
          message(picker.dataset.textFailed);
        });
    });
  }

  document.querySelectorAll(".console-faq-picker").forEach(setUp);
})();

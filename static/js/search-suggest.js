// As-you-type suggestions for every search box that names a suggestion URL.
// Progressive enhancement: without this script the box is an ordinary search form.
(function () {
  "use strict";
  var DELAY_MS = 150;

  function setUp(input) {
    var url = input.getAttribute("data-suggest-url");
    var lang = input.getAttribute("data-suggest-lang") || document.documentElement.lang || "ko";
    var holder = input.parentElement;
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    var timer = null, active = -1, lastQuery = "", controller = null;

    list.id = listId;
    list.className = "suggestions list-group shadow-sm";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    holder.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }

    function render(results) {
      list.innerHTML = "";
      if (!results.length) { close(); return; }
      results.slice(0, 6).forEach(function (result, i) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        li.id = listId + "-" + i;
        li.className = "list-group-item list-group-item-action";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        a.href = result.url;
        a.textContent = result.title;
        a.className = "stretched-link text-decoration-none";
        a.tabIndex = -1;
        var small = document.createElement("div");
        small.className = "small text-body-secondary text-truncate";
        small.textContent = result.snippet;
        li.appendChild(a);
        li.appendChild(small);
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function lookUp() {
      var q = input.value.trim();
      if (q === lastQuery) { return; }
      lastQuery = q;
      if (q.length < 1) { close(); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var params = new URLSearchParams({ q: q, lang: lang, suggest: "1" });
      fetch(url + "?" + params.toString(), { signal: controller ? controller.signal : undefined, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === q) { render(data.results || []); } })
        .catch(function () { /* a failed suggestion is not worth an error: the form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookUp, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      // Escape closes the list and never wipes what was typed (a search field's default).
      if (event.key === "Escape") { event.preventDefault(); close(); return; }
      var count = list.querySelectorAll("[role=option]").length;
      if (list.hidden || !count) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % count); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + count) % count); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = list.querySelectorAll("[role=option] a")[active].href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(setUp);
})();

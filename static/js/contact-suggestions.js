// Help articles matching the subject the customer is typing, beside the contact form.
// Links go through the help center so an article opened here is counted (a possible deflection).
(function () {
  "use strict";
  var box = document.querySelector("[data-faq-suggestions]");
  var subject = document.querySelector("input[data-faq-suggest]");
  if (!box || !subject) { return; }
  var list = box.querySelector("ul");
  var hint = box.querySelector("[data-suggest-hint]");
  var timer = null, last = "";
  hint.hidden = false;  // served hidden: the promise of live suggestions holds only with this script

  function show(results, q) {
    list.innerHTML = "";
    results.slice(0, 5).forEach(function (result) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = box.getAttribute("data-open-url").replace("SLUG", encodeURIComponent(result.slug)) + "?q=" + encodeURIComponent(q);
      a.textContent = result.title;
      a.target = "_blank";
      a.rel = "noopener";
      li.className = "mb-2";
      li.appendChild(a);
      list.appendChild(li);
    });
    hint.hidden = results.length > 0;
  }

  function lookUp() {
    var q = subject.value.trim();
    if (q === last || q.length < 2) { return; }
    last = q;
    var params = new URLSearchParams({ q: q, lang: box.getAttribute("data-lang") || "ko", suggest: "1" });
    fetch(box.getAttribute("data-api") + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { if (subject.value.trim() === q) { show(data.results || [], q); } })
      .catch(function () {});
  }

  subject.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookUp, 250); });
})();

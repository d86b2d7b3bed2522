// Shows, under the reason the customer picks, how the refund policy treats it. Without this script
// the same hints are listed beside the form.
(function () {
  "use strict";
  var select = document.querySelector("select[data-policy-hints]");
  var box = document.getElementById("policy-hint");
  if (!select || !box) { return; }
  function show() {
    var hint = document.querySelector('#policy-hints [data-reason="' + select.value + '"]');
    box.textContent = hint ? hint.textContent : "";
    box.hidden = !hint || !hint.textContent.trim();
  }
  select.addEventListener("change", show);
  show();
})();

// Shows, under the reason the customer picks, how the refund policy treats it, and under the payment
// method, that app-store purchases are refunded by the store. Without this script the same hints are
// listed beside the form and in the payment method's help text.
(function () {
  "use strict";
  var select = document.querySelector("select[data-policy-hints]");
  var box = document.getElementById("policy-hint");
  if (select && box) {
    var show = function () {
      var hint = document.querySelector('#policy-hints [data-reason="' + select.value + '"]');
      box.textContent = hint ? hint.textContent : "";
      box.hidden = !hint || !hint.textContent.trim();
    };
    select.addEventListener("change", show);
    show();
  }

  var method = document.querySelector("select[data-store-method]");
  var storeBox = document.getElementById("store-refund-hint");
  var pointer = document.getElementById("store-refund-text");
  if (method && storeBox && pointer) {
    var showStore = function () {
      var isStore = method.value === method.getAttribute("data-store-method");
      storeBox.textContent = isStore ? pointer.textContent : "";
      storeBox.hidden = !isStore;
    };
    method.addEventListener("change", showStore);
    showStore();
  }
})();

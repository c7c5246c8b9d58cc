// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so screen reader users hear what went wrong.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  // Show follow-up questions only when the box that asks for them is ticked.
  var toggles = document.querySelectorAll("input[data-reveals]");
  Array.prototype.forEach.call(toggles, function (input) {
    var target = document.getElementById(input.getAttribute("data-reveals"));
    if (!target) {
      return;
    }
    var sync = function () {
      target.hidden = !input.checked;
      input.setAttribute("aria-expanded", input.checked ? "true" : "false");
    };
    input.addEventListener("change", sync);
    sync();
  });
})();

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
  // A running count under boxes with a limit. The limit itself is in the hint, and the
  // server keeps every word of a text that is too long, so this is only a convenience.
  var counters = document.querySelectorAll("[data-character-count]");
  Array.prototype.forEach.call(counters, function (counter) {
    var box = document.getElementById(counter.getAttribute("data-character-count"));
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    if (!box || !limit) {
      return;
    }
    var numbers = window.Intl ? new Intl.NumberFormat(document.documentElement.lang) : null;
    // Screen readers hear the count once typing pauses, not at every key.
    var spoken = document.createElement("div");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    counter.parentNode.insertBefore(spoken, counter.nextSibling);
    var timer = null;
    var show = function () {
      // Characters as the server counts them (a surrogate pair is one character).
      var used = Array.from ? Array.from(box.value).length : box.value.length;
      var left = limit - used;
      var count = numbers ? numbers.format(Math.abs(left)) : String(Math.abs(left));
      var template = counter.getAttribute(left < 0 ? "data-over" : "data-left");
      counter.textContent = template.replace("{count}", count);
      counter.classList.toggle("character-count--over", left < 0);
      return counter.textContent;
    };
    counter.setAttribute("aria-hidden", "true");
    counter.hidden = false;
    box.addEventListener("input", function () {
      var text = show();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        spoken.textContent = text;
      }, 1000);
    });
    show();
  });
})();

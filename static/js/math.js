// Renders the math that interviewprep.markdown leaves as escaped text in
// .math-inline / .math-display elements, on load and after every htmx swap.
(function () {
  "use strict";

  function renderMath(root) {
    if (!window.katex) return;
    root.querySelectorAll(".math:not([data-rendered])").forEach(function (el) {
      try {
        window.katex.render(el.textContent, el, {
          displayMode: el.classList.contains("math-display"),
          throwOnError: false,
          trust: false,
        });
        el.setAttribute("data-rendered", "");
      } catch (err) {
        // Leave the source text visible; a typo in a formula must not hide it.
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { renderMath(document); });
  document.addEventListener("htmx:afterSwap", function (event) { renderMath(event.target); });
  window.renderMath = renderMath;
})();

// The notes panel: keyboard shortcuts and clearing the editor after "New entry".
// Saving itself is htmx (autosave on input); this file only adds what htmx cannot say in markup.
(function () {
  "use strict";

  const form = document.getElementById("note-form");
  if (!form) return;
  const body = document.getElementById("note-body");
  const finish = document.getElementById("note-finish");

  // Ctrl+Enter (or Cmd+Enter) in the editor closes the entry; the next keystroke starts a new one.
  body.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      finish.click();
    }
  });

  // Alt+1..4 anywhere on the page toggles a tag, even while typing an answer elsewhere.
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const digit = event.code && event.code.startsWith("Digit") ? event.code.slice(5) : event.key;
    const button = form.querySelector(`button[data-tag-key="${digit}"]`);
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  document.body.addEventListener("note-finished", () => {
    body.value = "";
    body.focus();
  });
})();

// The keyboard-shortcut list: "?" (outside a text field or the code editor) or the header's Shortcuts
// button opens a dialog listing this page's shortcuts. The list is read from the page itself: every
// control that has a shortcut declares it with data-shortcut (the keys) and data-shortcut-does (what it
// does), next to the code that binds it, so a page never lists a key it does not have.
(function () {
  "use strict";

  const dialog = document.getElementById("shortcut-help");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const rows = dialog.querySelector("tbody");
  const MAC = /Mac|iPhone|iPad/.test(navigator.platform || "");
  const ALWAYS = [["?", "Show this list"], ["Esc", "Close this list, or a menu"]];
  const EDITOR_KEYS = { vim: "Vim key bindings are on in the code editor (Preferences)",
                        emacs: "Emacs key bindings are on in the code editor (Preferences)" };

  function keysText(keys) {
    return MAC ? keys.replace(/Ctrl\+/g, "⌘+") : keys;
  }

  function declared() {
    const seen = new Set();
    const found = [];
    for (const element of document.querySelectorAll("[data-shortcut]")) {
      const pair = [element.dataset.shortcut, element.dataset.shortcutDoes || element.textContent.trim()];
      const key = pair.join("\u0000");
      if (!seen.has(key)) {
        seen.add(key);
        found.push(pair);
      }
    }
    return found;
  }

  function fill() {
    rows.replaceChildren();
    const keyMap = document.documentElement.dataset.editorKeys;
    const list = declared().concat(ALWAYS);
    if (EDITOR_KEYS[keyMap] && document.querySelector(".editor")) list.push(["—", EDITOR_KEYS[keyMap]]);
    for (const [keys, does] of list) {
      const row = document.createElement("tr");
      const keyCell = document.createElement("td");
      const kbd = document.createElement("kbd");
      kbd.textContent = keysText(keys);
      keyCell.append(kbd);
      const doesCell = document.createElement("td");
      doesCell.textContent = does;
      row.append(keyCell, doesCell);
      rows.append(row);
    }
  }

  function open() {
    if (dialog.open) return;
    fill();
    dialog.showModal();
  }

  function typing(target) {
    return target.closest && target.closest('input, textarea, select, [contenteditable="true"], .cm-editor');
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "?" || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    event.preventDefault();
    open();
  });
  for (const button of document.querySelectorAll("[data-shortcut-help]")) button.addEventListener("click", open);
  // A button, not a <form method="dialog">: read-only pages (a share link) promise to hold no form at all.
  dialog.querySelector("[data-close-dialog]").addEventListener("click", () => dialog.close());
})();

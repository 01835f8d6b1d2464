// The round page's layout: the splitter between the problem and answer panes (its width remembered),
// the Focus toggle that hides the problem pane (remembered too), the Problem / Answer tabs on a phone,
// and the console's per-test tabs. round.js keeps time and saves;
// this file only moves what the server rendered.
(function () {
  "use strict";

  const body = document.getElementById("round-body");
  if (!body) return;
  const PHONE = window.matchMedia("(max-width: 760px)");

  function store(key, value) {
    try { localStorage.setItem(key, value); } catch (err) { /* private mode: not remembered, still works */ }
  }
  function stored(key) {
    try { return localStorage.getItem(key); } catch (err) { return null; }
  }

  // ------------------------------------------------------------ the splitter (desktop)
  // The problem pane's share of the width, in percent; one value for every round, as an IDE keeps its layout.
  const SPLIT_KEY = "interviewprep.problemWidth";
  const splitter = document.getElementById("splitter");
  const MIN = 20, MAX = 70;

  function setWidth(percent, remember) {
    const value = Math.round(Math.min(MAX, Math.max(MIN, percent)));
    body.style.setProperty("--problem-width", value + "%");
    splitter.setAttribute("aria-valuenow", String(value));
    splitter.setAttribute("aria-valuetext", `Problem pane ${value}% of the width`);
    if (remember) store(SPLIT_KEY, String(value));
    return value;
  }

  if (splitter) {
    splitter.hidden = false;
    body.classList.add("has-splitter");
    const saved = parseFloat(stored(SPLIT_KEY));
    setWidth(Number.isFinite(saved) ? saved : Number(splitter.getAttribute("aria-valuenow")), false);

    splitter.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      splitter.setPointerCapture(event.pointerId);
      body.classList.add("resizing");
      const box = body.getBoundingClientRect();
      const move = (e) => setWidth(((e.clientX - box.left) / box.width) * 100, false);
      const end = (e) => {
        splitter.removeEventListener("pointermove", move);
        splitter.removeEventListener("pointerup", end);
        splitter.removeEventListener("pointercancel", end);
        body.classList.remove("resizing");
        setWidth(Number(splitter.getAttribute("aria-valuenow")), true);
      };
      splitter.addEventListener("pointermove", move);
      splitter.addEventListener("pointerup", end);
      splitter.addEventListener("pointercancel", end);
    });
    splitter.addEventListener("keydown", (event) => {
      const now = Number(splitter.getAttribute("aria-valuenow"));
      const step = event.shiftKey ? 10 : 2;
      const next = { ArrowLeft: now - step, ArrowRight: now + step, Home: MIN, End: MAX }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      setWidth(next, true);
    });
  }

  // ------------------------------------------------------------ Focus (desktop)
  // Hides the problem pane so the answer takes the whole width; one choice for every round, like the width.
  const FOCUS_KEY = "interviewprep.focus";
  const focusToggle = document.getElementById("focus-toggle");
  function setFocus(on, remember) {
    body.classList.toggle("focus-mode", on);
    focusToggle.setAttribute("aria-pressed", String(on));
    if (remember) store(FOCUS_KEY, on ? "on" : "off");
  }
  if (focusToggle) {
    focusToggle.hidden = false;
    setFocus(stored(FOCUS_KEY) === "on", false);
    focusToggle.addEventListener("click", () => setFocus(focusToggle.getAttribute("aria-pressed") !== "true", true));
    // Alt+Shift+F (declared on the button for the shortcut list); Alt+F alone is Emacs's forward-word.
    document.addEventListener("keydown", (event) => {
      if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === "KeyF") {
        event.preventDefault();
        focusToggle.click();
      }
    });
  }

  // ------------------------------------------------------------ tab lists
  // The pane tabs and the console's per-test tabs (these arrive with each run result, an htmx swap),
  // handled from the document; arrow keys, Home and End move between tabs as ARIA describes.
  function selectTest(tab) {
    for (const other of tab.parentElement.querySelectorAll('[role="tab"]')) {
      const on = other === tab;
      other.setAttribute("aria-selected", String(on));
      other.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    }
  }
  const activate = (tab) => (tab.closest(".pane-tabs") ? showPane(tab.id.replace("pane-tab-", ""), true) : selectTest(tab));
  const TABS = '.pane-tabs [role="tab"], .test-tabs [role="tab"]';
  document.addEventListener("click", (event) => {
    const tab = event.target.closest(TABS);
    if (tab) activate(tab);
  });
  document.addEventListener("keydown", (event) => {
    const tab = event.target.closest && event.target.closest(TABS);
    if (!tab) return;
    const all = Array.from(tab.parentElement.querySelectorAll('[role="tab"]'));
    const at = all.indexOf(tab);
    const next = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: all.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = all[(next + all.length) % all.length];
    activate(target);
    target.focus();
  });

  // ------------------------------------------------------------ Problem / Answer (phone)
  // Both panes stay in the page (the CSS shows one at a phone's width), so the editor and autosave keep
  // working whichever is on screen. The choice is remembered per round, for a reload mid-answer.
  const paneTabs = document.querySelector(".pane-tabs");
  const root = document.getElementById("round");
  const PANE_KEY = `interviewprep.pane.${root.dataset.round}`;
  function showPane(name, remember) {
    body.dataset.pane = name;
    for (const tab of paneTabs.querySelectorAll('[role="tab"]')) {
      const on = tab.id === `pane-tab-${name}`;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    if (remember) store(PANE_KEY, name);
  }
  if (paneTabs) {
    paneTabs.hidden = false;
    showPane(stored(PANE_KEY) === "answer" ? "answer" : "problem", false);
    // "Read it" on a notice about a hint or constraint points into the problem pane.
    document.addEventListener("click", (event) => {
      const link = event.target.closest('a[href="#live"], a[href="#constraints"], a[href="#hints"]');
      if (link && PHONE.matches) showPane("problem", true);
    });
  }

  // ------------------------------------------------------------ the console
  const consoleBox = document.getElementById("console");
  const consoleToggle = document.getElementById("console-toggle");
  function setConsole(open) {
    consoleBox.classList.toggle("console-collapsed", !open);
    consoleToggle.setAttribute("aria-expanded", String(open));
    consoleToggle.textContent = open ? "Hide" : "Show";
  }
  if (consoleBox && consoleToggle) {
    consoleToggle.addEventListener("click", () => setConsole(consoleToggle.getAttribute("aria-expanded") !== "true"));
    // A run opens the console: its result is what the candidate waits for.
    document.body.addEventListener("htmx:beforeRequest", (event) => {
      if (event.detail.elt.closest(".run-buttons")) setConsole(true);
    });
  }
})();

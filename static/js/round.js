// The round page: the server's clock, autosave, the code editor (the Markdown preview is htmx in the template).
// The server renders everything; this file only keeps time and sends what was typed.
(function () {
  "use strict";

  const root = document.getElementById("round");
  if (!root) return;

  const csrfToken = () => {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  // ---------------------------------------------------------------- the clock
  const clock = document.getElementById("clock");
  const announcer = document.getElementById("clock-announcer");
  let deadline = null; // performance.now() at which the round ends
  let status = clock ? clock.dataset.status : "finished";
  const warned = new Set();

  function format(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    const mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function resync(remaining, newStatus) {
    deadline = performance.now() + remaining * 1000;
    if (newStatus) status = newStatus;
    // Warnings already passed (after a reload) are not announced again.
    if (remaining < 300) warned.add(300);
    if (remaining < 60) warned.add(60);
    tick();
  }

  function announce(text) {
    if (announcer) announcer.textContent = text;
  }

  let closing = false;
  function tick() {
    if (!clock || deadline === null) return;
    const remaining = status === "running" ? (deadline - performance.now()) / 1000 : parseFloat(clock.dataset.remaining);
    clock.textContent = format(remaining);
    clock.classList.toggle("clock-warn", remaining <= 300);
    clock.classList.toggle("clock-urgent", remaining <= 60);
    for (const mark of [300, 60]) {
      if (status === "running" && remaining <= mark && !warned.has(mark)) {
        warned.add(mark);
        announce(mark === 300 ? "Five minutes left." : "One minute left.");
      }
    }
    if (status === "running" && remaining <= 0 && !closing) {
      closing = true;
      announce("Time is up.");
      saveNow({ keepalive: true }).finally(askServerToClose);
    }
  }

  function askServerToClose() {
    // The server decides when time is up. Its clock fragment either resyncs the clock (the
    // round-clock event below) or sends the browser to the summary (HX-Redirect); asked at most every 3 s.
    htmx.ajax("GET", root.dataset.clockUrl, { source: clock, swap: "none" })
      .finally(() => setTimeout(() => { closing = false; }, 3000));
  }

  function readClock(response) {
    const trigger = response.headers.get("HX-Trigger");
    if (!trigger) return;
    try {
      const data = JSON.parse(trigger)["round-clock"];
      if (data) resync(data.remaining, data.status);
    } catch (err) { /* not a clock event */ }
  }

  if (clock) {
    resync(parseFloat(clock.dataset.remaining), status);
    setInterval(tick, 250);
    document.body.addEventListener("round-clock", (event) => resync(event.detail.remaining, event.detail.status));
  }

  // ---------------------------------------------------------------- autosave
  const form = document.querySelector("form[data-autosave]");
  const saveStatus = document.getElementById("save-status");
  const message = document.getElementById("round-message");
  let dirty = false, timer = null, inFlight = null, closed = false, saveRefused = false;

  function answerData() {
    const data = new FormData(form);
    data.delete("kind");
    // A shared pad's text is saved by the server (static/js/pads.js), not by this page.
    form.querySelectorAll("[data-pad-state]").forEach((field) => data.delete(field.name));
    return data;
  }

  function saveNow(options) {
    if (!form || !dirty || closed) return Promise.resolve();
    dirty = false;
    dirtySince = null;
    clearTimeout(timer);
    if (saveStatus) saveStatus.textContent = "Saving…";
    const request = fetch(root.dataset.saveUrl, {
      method: "POST", body: answerData(), credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      keepalive: !!(options && options.keepalive),
    }).then((response) => response.text().then((body) => {
      readClock(response);
      if (response.ok) {
        if (saveStatus) saveStatus.innerHTML = body || "Saved";
        if (saveRefused && message) message.replaceChildren(); // the refusal no longer holds
        saveRefused = false;
      } else {
        if (message) message.innerHTML = body;
        saveRefused = true;
        if (response.status === 409) { closed = true; lockAnswers(); }
        if (response.status === 429) {
          // Saving too often: what was typed stays in the editor and goes with the retry.
          dirty = true;
          const wait = parseInt(response.headers.get("Retry-After") || "3", 10) || 3;
          clearTimeout(timer);
          timer = setTimeout(saveNow, Math.max(1, wait) * 1000);
          if (saveStatus) saveStatus.textContent = "Not saved yet: your text stays here and the next save will carry it.";
        } else if (saveStatus) {
          saveStatus.textContent = "Not saved.";
        }
      }
    })).catch(() => {
      dirty = true; // try again: nothing typed is dropped because the network blinked
      if (saveStatus) saveStatus.textContent = "Offline: will retry…";
      timer = setTimeout(saveNow, 3000);
    });
    inFlight = request;
    return request;
  }

  // Save after a pause in typing, and at least every few pauses' worth while typing goes on.
  // A paired round saves sooner: the interviewer watches the pad live.
  const saveDelay = parseInt(root.dataset.saveDelay || "1500", 10);
  const saveMaxWait = saveDelay * 2;
  let dirtySince = null;

  function scheduleSave() {
    const now = performance.now();
    if (!dirty || dirtySince === null) dirtySince = now;
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(saveNow, Math.max(0, Math.min(saveDelay, dirtySince + saveMaxWait - now)));
  }

  function lockAnswers() {
    // form.elements: the run buttons sit in the console, tied to the form by its id.
    Array.from(form.elements).forEach((el) => { el.disabled = true; });
    if (editor) editor.setReadOnly(true);
  }

  if (form) {
    form.addEventListener("input", (event) => { if (!event.target.dataset.padState) scheduleSave(); });
    // Anything typed before this script ran (a slow load) is saved too.
    const typedEarly = Array.from(form.querySelectorAll("textarea")).some((el) => el.value !== el.defaultValue);
    if (typedEarly) scheduleSave();
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") saveNow({ keepalive: true });
    });
    window.addEventListener("pagehide", () => saveNow({ keepalive: true }));
  }

  // Requests from forms that change the round (pause, end, reveal) wait for what was typed to be saved,
  // then go on (through their hx-confirm question, if they have one).
  document.body.addEventListener("htmx:confirm", (event) => {
    if (!dirty || !event.detail.elt.closest("[data-flush-first]")) return;
    event.preventDefault();
    saveNow().finally(() => event.detail.issueRequest(false));
  });
  // Other requests that change something (a run) save what was typed alongside; the live poll and the
  // Markdown preview do not.
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const verb = event.detail.requestConfig ? event.detail.requestConfig.verb : "post";
    if (dirty && verb !== "get" && event.detail.elt.id !== "answer-preview") saveNow();
  });

  // ---------------------------------------------------------------- what the interviewer gives (paired)
  // A hint or constraint lands in the live region under the question, often out of sight while the
  // candidate types: say so where they are looking (the message area under the clock), and to screen readers.
  const given = (live) => ({
    hints: Number(live.dataset.hints || 0), constraints: Number(live.dataset.constraints || 0),
  });
  const firstLive = document.getElementById("live");
  let seen = firstLive && firstLive.dataset.hints !== undefined ? given(firstLive) : null;
  document.body.addEventListener("htmx:afterSettle", () => {
    const live = document.getElementById("live");
    if (!seen || !live || live.dataset.hints === undefined) return;
    const now = given(live);
    const what = now.hints > seen.hints ? "a hint" : now.constraints > seen.constraints ? "a follow-up constraint" : "";
    seen = now;
    const message = document.getElementById("round-message");
    if (!what || !message) return;
    const notice = document.createElement("p");
    notice.className = "callout given-notice";
    notice.append(`Your interviewer gave you ${what}. `);
    const link = document.createElement("a");
    link.href = "#live";
    link.textContent = "Read it";
    link.addEventListener("click", () => notice.remove());
    notice.append(link);
    message.replaceChildren(notice);
    setTimeout(() => notice.remove(), 20000);
  });

  // ---------------------------------------------------------------- the code editor
  const editorHost = document.getElementById("editor");
  const codeArea = document.getElementById("code");
  const languageSelect = document.getElementById("language");
  let editor = null;
  if (editorHost && codeArea && window.InterviewPrepEditor) {
    const starters = JSON.parse(languageSelect.dataset.starters || "{}");
    codeArea.hidden = true;
    const editorOptions = {
      language: languageSelect.value,
      label: "Code editor",
      nonce: editorHost.dataset.cspNonce, // its injected styles must carry the page's CSP nonce
      onChange: (text) => { codeArea.value = text; if (!codeArea.dataset.padState) scheduleSave(); },
      onRun: () => document.getElementById("run-button").click(),
      onSubmit: () => document.getElementById("submit-button").click(),
    };
    const plainEditor = () => window.InterviewPrepEditor.create(editorHost, { ...editorOptions, doc: codeArea.value });
    if (codeArea.dataset.pad && window.InterviewPrepPads) {
      // A paired round: the code is a pad both people type in; a plain editor if it cannot sync.
      editor = window.InterviewPrepPads.open(codeArea, editorHost, {
        ...editorOptions,
        onFallback: () => { editor = plainEditor(); },
      });
    } else {
      editor = plainEditor();
    }
    let previous = languageSelect.value;
    languageSelect.addEventListener("change", () => {
      const code = editor.getValue();
      // Untouched starter code follows the language; the user's own code is never replaced.
      if (!code.trim() || code === starters[previous]) {
        editor.setValue(starters[languageSelect.value] || "");
        codeArea.value = editor.getValue();
      }
      editor.setLanguage(languageSelect.value);
      previous = languageSelect.value;
      scheduleSave();
    });
    document.getElementById("load-starter").addEventListener("click", () => {
      if (!window.confirm("Replace your code with the starter code?")) return;
      editor.setValue(starters[languageSelect.value] || "");
      codeArea.value = editor.getValue();
      scheduleSave();
    });
    // Runs send the editor's text, not a stale textarea.
    document.body.addEventListener("htmx:configRequest", (event) => {
      if (event.detail.parameters && "code" in event.detail.parameters) {
        event.detail.parameters.code = editor.getValue();
      }
    });
  }

  // ---------------------------------------------------------------- per-question timer
  const questionTimer = document.getElementById("question-timer");
  if (questionTimer) {
    const started = performance.now() - parseFloat(questionTimer.dataset.seconds) * 1000;
    setInterval(() => {
      if (status === "running") questionTimer.textContent = format((performance.now() - started) / 1000);
    }, 1000);
  }
})();

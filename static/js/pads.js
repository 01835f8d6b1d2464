// Shared pads of a paired round: each form field marked data-pad (templatetags/pads.py) becomes a
// CodeMirror editor bound to the field's Yjs document on the server (sessions/live/pad_consumer.py),
// so both people type in it and see each other's cursor. The field itself stays, hidden, holding the
// text for the form, the Markdown preview and Run. If the pad cannot sync in time (websockets blocked),
// the field is given back as it was and saved over HTTP like any answer.
(function () {
  "use strict";
  if (!window.InterviewPrepEditor) return;
  const SYNC_TIMEOUT_MS = 5000;
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const LABELS = {
    connecting: "Connecting the shared pad…", connected: "Syncing…", synced: "",
    disconnected: "Reconnecting the shared pad… what you type is kept and sent when it is back.",
  };

  // Opens the pad behind `field` in `host`. options: language, label, nonce, onRun, onSubmit, onChange (local
  // typing), onRemoteChange, onFallback (the pad gave up; the caller shows a plain editor or the field).
  function open(field, host, options) {
    const opts = options || {};
    const status = document.createElement("p");
    status.className = "pad-status muted";
    status.setAttribute("role", "status");
    host.after(status);
    let everSynced = false;
    const writable = field.dataset.padWritable === "1";
    const editor = window.InterviewPrepEditor.create(host, {
      language: opts.language,
      label: opts.label,
      nonce: opts.nonce,
      readOnly: true, // until the server's text is in: typing into the empty editor would be lost
      onChange: (text) => { field.value = text; if (opts.onChange) opts.onChange(text); },
      onRemoteChange: (text) => { field.value = text; if (opts.onRemoteChange) opts.onRemoteChange(text); },
      onRun: opts.onRun,
      onSubmit: opts.onSubmit,
      collab: {
        url: scheme + location.host + field.dataset.pad,
        user: { name: field.dataset.padName, colour: field.dataset.padColour },
        onStatus: (state) => {
          field.dataset.padState = state;
          status.textContent = LABELS[state] || "";
          if (state === "synced" && !everSynced) {
            everSynced = true;
            field.value = editor.getValue();
            editor.setReadOnly(!writable);
            document.body.classList.add("pads-synced");
          }
        },
      },
    });
    field.dataset.padState = "connecting";
    window.setTimeout(() => {
      if (everSynced) return;
      // Never in sync: this page works without the pad (the text is saved over HTTP, as before pads).
      editor.destroy();
      status.remove();
      delete field.dataset.padState;
      field.dataset.padFallback = "1";
      if (opts.onFallback) opts.onFallback();
    }, SYNC_TIMEOUT_MS);
    return editor;
  }

  // A field that is a pad on its own (design answers, STAR fields, the interviewer's view): an editor
  // in its place; it tells the form when the text changes, as typing in the field would.
  function openField(field) {
    const host = document.createElement("div");
    host.className = "editor pad-editor" + (field.name === "code" ? "" : " pad-prose");
    const section = field.closest("[data-language]");
    const label = field.closest("label");
    // After the label, not inside it: a click in a label focuses the label's own (hidden) field.
    (label || field).after(host);
    field.hidden = true;
    const notify = () => field.dispatchEvent(new Event("input", { bubbles: true }));
    openAndKeep(field, host, {
      language: field.name === "code" && section ? section.dataset.language : null,
      label: label ? label.firstChild.textContent.trim() : field.name,
      nonce: field.dataset.padNonce,
      onChange: notify,
      onRemoteChange: notify,
      onFallback: () => {
        host.remove();
        // The interviewer's pads were only ever a view: the live region's saved text takes over.
        if (field.closest(".pads")) field.closest(".pads").hidden = true;
        else field.hidden = false;
      },
    });
  }

  // `all()`: the pads open on this page (their editors' collab handles: status, disconnect, reconnect).
  const opened = [];
  const openAndKeep = (field, host, options) => {
    const editor = open(field, host, options);
    opened.push(editor);
    return editor;
  };
  window.InterviewPrepPads = Object.freeze({ open: openAndKeep, all: () => opened.slice() });
  document.querySelectorAll("textarea[data-pad]:not(#code)").forEach(openField);
})();

// The whiteboard of a design question on the round page: loads the board's scene from the server,
// mounts the Excalidraw bundle (static/vendor/excalidraw/whiteboard.min.js, loaded after this script)
// and autosaves the elements as JSON after a pause in drawing. The server validates every scene and
// keeps a snapshot of each change for the replay; this script never turns a scene into HTML.
(function () {
  "use strict";

  const SAVE_DELAY_MS = 1000;

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // What the server keeps of a scene: the elements that are not deleted. Comparing ids and versions
  // tells a real change from the many onChange calls that only moved the pointer or the view.
  function live(elements) { return elements.filter((e) => !e.isDeleted); }
  function signature(elements) { return live(elements).map((e) => `${e.id}:${e.version}`).join(","); }

  function Board(root) {
    this.root = root;
    this.url = root.dataset.boardUrl;
    this.readOnly = root.dataset.readOnly === "true";
    this.status = document.getElementById("whiteboard-status");
    this.canvas = root.querySelector(".whiteboard-canvas");
    this.saved = null;
    this.pending = null;
    this.timer = null;
    this.closed = false;
  }

  Board.prototype.say = function (text, isError) {
    if (!this.status) return;
    this.status.textContent = text;
    this.status.classList.toggle("save-warning", Boolean(isError));
  };

  Board.prototype.load = function () {
    fetch(this.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        return response.json();
      })
      .then((data) => this.mount(data.scene.elements))
      .catch((error) => this.say(`The whiteboard could not be loaded (${error.message}).`, true));
  };

  Board.prototype.mount = function (elements) {
    this.saved = signature(elements);
    window.InterviewPrepWhiteboard.mount(this.canvas, {
      elements, readOnly: this.readOnly,
      onChange: (current) => this.changed(current),
    });
    this.root.dataset.elements = String(live(elements).length);
    this.root.dataset.ready = "true";
  };

  Board.prototype.changed = function (elements) {
    this.root.dataset.elements = String(live(elements).length); // what is on the board, for people's tools and tests
    if (this.readOnly || this.closed) return;
    const now = signature(elements);
    if (now === this.saved) return;
    this.pending = elements;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), SAVE_DELAY_MS);
  };

  Board.prototype.save = function (options) {
    if (!this.pending || this.closed) return Promise.resolve();
    const elements = live(this.pending), sent = signature(this.pending);
    this.pending = null;
    clearTimeout(this.timer);
    this.say("Saving the whiteboard…");
    return fetch(this.url, {
      method: "POST", credentials: "same-origin", keepalive: Boolean(options && options.keepalive),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ elements }),
    }).then((response) => response.json().then((body) => {
      if (response.ok) {
        this.saved = sent;
        this.say(body.history_full ? body.history_full : `Whiteboard saved at ${body.saved_at}`, Boolean(body.history_full));
        return;
      }
      this.say(body.error || "The whiteboard was not saved.", true);
      if (response.status === 409) this.closed = true;
      if (response.status === 429) {
        this.pending = this.pending || elements; // drawn since: the retry carries the newest
        const wait = parseInt(response.headers.get("Retry-After") || "3", 10) || 3;
        this.timer = setTimeout(() => this.save(), Math.max(1, wait) * 1000);
      }
    })).catch(() => {
      this.pending = this.pending || elements;
      this.say("Offline: the whiteboard will be saved when the connection is back.", true);
      this.timer = setTimeout(() => this.save(), 3000);
    });
  };

  function init() {
    const root = document.getElementById("whiteboard");
    if (!root) return;
    const board = new Board(root);
    board.load();
    const flush = () => board.save({ keepalive: true });
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flush(); });
    window.addEventListener("pagehide", flush);
    // A request that changes the round (end, pause, switch question) takes the drawing with it.
    document.body.addEventListener("htmx:beforeRequest", (event) => {
      const verb = event.detail.requestConfig ? event.detail.requestConfig.verb : "post";
      if (verb !== "get") board.save();
    });
  }

  // The bundle is a module script that runs after this one; it announces itself when it has.
  if (window.InterviewPrepWhiteboard) init();
  else document.addEventListener("interviewprep:whiteboard", init, { once: true });
})();

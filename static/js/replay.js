// The replay widget of the review page: one fetch of the round's timeline, then everything is local.
// The server sends each snapshot as a line patch against the previous one of the same field; this
// file rebuilds every state once, then the scrubber, play (1x to 10x, idle stretches already
// shortened by the server) and clicks on timeline entries only pick which state to show.
(function () {
  "use strict";

  function mmss(seconds) {
    const total = Math.max(0, Math.floor(seconds));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  }

  // The last index whose entry plays at or before `play` (-1 if none): entries are sorted by play time.
  function indexAt(entries, play) {
    let lo = 0, hi = entries.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid].play <= play + 1e-6) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  // Real clock offset at a playback time: linear between neighbouring entries (as sessions/replay.py).
  function offsetAt(data, play) {
    const entries = data.entries, i = indexAt(entries, play);
    const before = i >= 0 ? entries[i] : { play: 0, offset: 0 };
    const after = i + 1 < entries.length ? entries[i + 1] : { play: data.play_end, offset: data.end };
    if (after.play <= before.play) return before.offset;
    return before.offset + (play - before.play) * (after.offset - before.offset) / (after.play - before.play);
  }

  // Apply each snapshot's patch to the previous state of its field, keeping every state's lines. Code
  // snapshots also carry each hunk's lines as highlighted HTML (`html`, one list per hunk, from the
  // server's Pygments): the same splices rebuild the coloured lines beside the plain ones.
  function rebuild(entries) {
    const current = new Map(), coloured = new Map();
    let lastSnapshot = -1, lastListed = -1;
    entries.forEach((entry, i) => {
      if (entry.kind === "snapshot") {
        const key = `${entry.question}:${entry.field}`;
        const lines = (current.get(key) || []).slice();
        const html = entry.html ? (coloured.get(key) || []).slice() : null;
        for (let p = entry.patch.length - 1; p >= 0; p--) {
          const [start, end, added] = entry.patch[p];
          lines.splice(start, end - start, ...added);
          if (html) html.splice(start, end - start, ...entry.html[p]);
        }
        current.set(key, lines);
        if (html) coloured.set(key, html);
        entry.lines = lines;
        entry.htmlLines = html;
        lastSnapshot = i;
      }
      else lastListed = i;
      entry.lastSnapshot = lastSnapshot;
      entry.lastListed = lastListed;
    });
  }

  function Player(root) {
    this.root = root;
    this.url = root.dataset.replayUrl;
    this.status = root.querySelector(".replay-status");
    this.player = root.querySelector(".replay-player");
    this.playButton = root.querySelector(".replay-play");
    this.speed = root.querySelector(".replay-speed");
    this.scrubber = root.querySelector(".replay-scrubber");
    this.time = root.querySelector(".replay-time");
    this.skipped = root.querySelector(".replay-skipped");
    this.codeLabel = root.querySelector(".replay-code-label");
    this.code = root.querySelector(".replay-code");
    this.list = root.querySelector(".replay-entries");
    this.moment = root.querySelector(".replay-moment");
    this.position = 0;
    this.playing = false;
    this.loaded = false;
    this.shownSnapshot = null;
    this.shownEntry = null;
    this.board = root.querySelector(".replay-board");
    this.shownBoard = null;
    this.sound = root.querySelector(".replay-sound");
    this.tracks = [];
  }

  // ------------------------------------------------------------ recordings, in step with the timeline
  // Each recording plays from a blob: URL, so the browser holds the whole file and can seek in it (the
  // WebM a MediaRecorder writes has no index). `segments` place its audio on the round's clock:
  // [offset, audio start, length] (sessions/review/replay.py audio_segments).

  const DRIFT_SECONDS = 0.35;

  function audioAt(recording, offset) {
    for (const [start, audio, length] of recording.segments) {
      if (offset >= start - 1e-6 && offset < start + length) return audio + (offset - start);
    }
    return null;
  }

  Player.prototype.loadSound = function () {
    const recordings = this.data.recordings || [];
    if (!recordings.length) return;
    this.sound.hidden = false;
    this.sound.textContent = `Loading ${recordings.length} recording${recordings.length === 1 ? "" : "s"}…`;
    let ready = 0;
    this.tracks = recordings.map((recording) => {
      const audio = new Audio();
      audio.preload = "auto";
      const track = { recording, audio, ready: false };
      fetch(recording.url, { credentials: "same-origin" })
        .then((response) => { if (!response.ok) throw new Error(response.status); return response.blob(); })
        .then((blob) => {
          audio.src = URL.createObjectURL(blob);
          track.ready = true;
          ready += 1;
          this.sound.textContent = `${ready} of ${recordings.length} recording${recordings.length === 1 ? "" : "s"} ready: they play with the replay.`;
          this.syncSound(true);
        })
        .catch(() => { this.sound.textContent = "A recording could not be loaded."; });
      return track;
    });
  };

  // Put every recording where the timeline is: playing while the replay plays inside it, paused elsewhere.
  Player.prototype.syncSound = function (force) {
    if (!this.tracks.length) return;
    const offset = offsetAt(this.data, this.position);
    const speed = Number(this.speed.value) || 1;
    const playing = [];
    this.tracks.forEach((track) => {
      if (!track.ready) return;
      const audio = track.audio, at = audioAt(track.recording, offset);
      if (at === null) {
        if (!audio.paused) audio.pause();
        return;
      }
      if (force || Math.abs(audio.currentTime - at) > DRIFT_SECONDS * speed) audio.currentTime = at;
      audio.playbackRate = speed;
      if (this.playing) {
        playing.push(track.recording.owner);
        if (audio.paused) audio.play().catch(() => {});
      } else if (!audio.paused) {
        audio.pause();
      }
    });
    if (this.playing) {
      this.sound.textContent = playing.length ? `Playing: ${playing.join(", ")}` : "No recording at this moment.";
    }
  };

  Player.prototype.load = function () {
    if (this.loaded) return;
    this.loaded = true;
    this.status.textContent = "Loading the replay…";
    fetch(this.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        return response.json();
      })
      .then((data) => this.start(data))
      .catch((error) => { this.status.textContent = `The replay could not be loaded (${error.message}).`; });
  };

  Player.prototype.start = function (data) {
    this.data = data;
    window.InterviewPrepReplays = (window.InterviewPrepReplays || []).concat([this]);
    this.questions = new Map(data.questions.map((q) => [q.id, q]));
    rebuild(data.entries);
    this.scrubber.max = String(data.play_end);
    this.scrubber.addEventListener("input", () => this.seek(Number(this.scrubber.value)));
    this.playButton.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    this.root.addEventListener("keydown", (event) => this.onKey(event));
    this.drawList();
    const skipped = data.skipped.length;
    this.skipped.textContent = skipped
      ? `${skipped} idle stretch${skipped === 1 ? "" : "es"} longer than ${data.idle_seconds} s play${skipped === 1 ? "s" : ""} shortened.`
      : "";
    this.status.textContent = data.entries.length ? "" : "Nothing happened in this round yet.";
    this.player.hidden = false;
    this.seek(0);
    this.loadSound();
  };

  // While focus is in this replay (outside its speed list): K plays or pauses, J and L jump to the
  // previous or next event, as in a video player. The keys are declared on the Play button for the
  // page's shortcut list (static/js/shortcuts.js).
  Player.prototype.onKey = function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("select, input[type=text], textarea")) return;
    const key = event.key.toLowerCase();
    if (key === "k") {
      this.playButton.click();
    } else if (key === "j" || key === "l") {
      const stops = this.data.entries.filter((entry) => entry.kind !== "snapshot").map((entry) => entry.play);
      const next = key === "l" ? stops.find((play) => play > this.position + 0.05)
        : stops.filter((play) => play < this.position - 0.05).pop();
      this.seek(next === undefined ? (key === "l" ? this.data.play_end : 0) : next);
    } else {
      return;
    }
    event.preventDefault();
  };

  Player.prototype.drawList = function () {
    const fragment = document.createDocumentFragment();
    this.items = new Map();
    this.data.entries.forEach((entry, i) => {
      if (entry.kind === "snapshot") return;
      const item = document.createElement("li");
      item.className = `replay-entry replay-${entry.kind}`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      const stamp = document.createElement("span");
      stamp.className = "stamp";
      stamp.textContent = mmss(entry.offset);
      button.append(stamp, document.createTextNode(entry.label));
      button.addEventListener("click", () => { this.seek(entry.play); this.showMoment(entry); });
      item.append(button);
      if (entry.tags && entry.tags.length) {
        entry.tags.forEach(([value, label]) => {
          const tag = document.createElement("span");
          tag.className = `tag tag-${value}`;
          tag.textContent = label;
          item.append(tag);
        });
      }
      if (entry.kind === "note") {
        const body = document.createElement("div");
        body.className = "prose";
        body.innerHTML = entry.html; // sanitised by the server's one Markdown renderer
        item.append(body);
      }
      fragment.append(item);
      this.items.set(i, item);
    });
    this.list.replaceChildren(fragment);
  };

  Player.prototype.showMoment = function (entry) {
    const parts = [`${mmss(entry.offset)} · ${entry.label}`];
    if (entry.text) parts.push(entry.text);
    if (entry.kind === "result" && entry.message) parts.push(entry.message);
    if (entry.kind === "note") {
      // The note as plain text (its HTML stays in the list); parsing into a detached document runs nothing.
      const text = new DOMParser().parseFromString(entry.html || "", "text/html").body.textContent.trim();
      const tags = (entry.tags || []).map(([, label]) => label).join(", ");
      if (tags) parts.push(tags);
      if (text) parts.push(text.length > 200 ? `${text.slice(0, 200)}…` : text);
    }
    this.moment.textContent = parts.join(" — ");
  };

  Player.prototype.seek = function (play, fromClock) {
    const end = this.data.play_end;
    this.position = Math.min(Math.max(0, play), end);
    this.scrubber.value = String(this.position);
    this.render();
    this.syncSound(!fromClock); // a seek moves the sound too; playback only corrects drift
  };

  Player.prototype.render = function () {
    const data = this.data, index = indexAt(data.entries, this.position);
    this.time.textContent = `${mmss(offsetAt(data, this.position))} of ${mmss(data.end)}`;
    this.scrubber.setAttribute("aria-valuetext", this.time.textContent);
    const snapshotIndex = index >= 0 ? data.entries[index].lastSnapshot : -1;
    if (snapshotIndex !== this.shownSnapshot) {
      this.shownSnapshot = snapshotIndex;
      this.drawCode(snapshotIndex >= 0 ? data.entries[snapshotIndex] : null);
    }
    this.drawBoard(offsetAt(data, this.position));
    const current = index >= 0 ? data.entries[index].lastListed : -1;
    if (current !== this.shownEntry) {
      const previous = this.items.get(this.shownEntry);
      if (previous) { previous.classList.remove("current"); previous.removeAttribute("aria-current"); }
      const item = this.items.get(current);
      if (item) {
        item.classList.add("current");
        item.setAttribute("aria-current", "true");
        const list = this.list;
        if (item.offsetTop < list.scrollTop || item.offsetTop > list.scrollTop + list.clientHeight - item.offsetHeight) {
          list.scrollTop = item.offsetTop - list.clientHeight / 2;
        }
      }
      this.shownEntry = current;
    }
  };

  Player.prototype.drawCode = function (snapshot) {
    if (!snapshot) {
      this.codeLabel.textContent = "Nothing written yet.";
      this.code.replaceChildren();
      return;
    }
    const question = this.questions.get(snapshot.question);
    const name = question ? `Question ${question.number}: ${question.title}` : "Answer";
    const changedLines = snapshot.changed.reduce((n, [a, b]) => n + b - a, 0);
    this.codeLabel.textContent = `${name} · ${snapshot.field} at ${mmss(snapshot.offset)} · ` +
      `${changedLines} line${changedLines === 1 ? "" : "s"} changed`;
    const changed = new Set();
    snapshot.changed.forEach(([a, b]) => { for (let n = a; n < b; n++) changed.add(n); });
    const removed = new Set(snapshot.removed_at);
    const fragment = document.createDocumentFragment();
    snapshot.lines.forEach((text, n) => {
      const line = document.createElement("span");
      line.className = "line";
      if (changed.has(n)) line.classList.add("changed");
      if (removed.has(n)) line.classList.add("removed-before");
      // The server escaped every token (sessions/review/code_colours.py); plain text otherwise.
      if (snapshot.htmlLines) line.innerHTML = snapshot.htmlLines[n] + "\n";
      else line.textContent = text + "\n";
      fragment.append(line);
    });
    if (removed.has(snapshot.lines.length) && fragment.lastChild) fragment.lastChild.classList.add("removed-after");
    this.code.replaceChildren(fragment);
  };

  // The whiteboard of a design question as it was at `offset`: the last state saved by then (frames come
  // sorted by offset). Each frame is an SVG the server drew from a validated scene, text escaped.
  Player.prototype.drawBoard = function (offset) {
    const frames = this.data.boards || [];
    if (!this.board || !frames.length) return;
    let lo = 0, hi = frames.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (frames[mid].offset <= offset + 1e-6) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    if (found === this.shownBoard) return;
    this.shownBoard = found;
    this.board.hidden = false;
    const label = this.board.querySelector(".replay-board-label");
    const drawing = this.board.querySelector(".replay-board-drawing");
    if (found < 0) { label.textContent = "Whiteboard: nothing drawn yet."; drawing.replaceChildren(); return; }
    const question = this.questions.get(frames[found].question);
    label.textContent = `Whiteboard${question ? ` of question ${question.number}` : ""} at ${mmss(frames[found].offset)}`;
    drawing.innerHTML = frames[found].svg;
  };

  Player.prototype.play = function () {
    if (this.position >= this.data.play_end) this.seek(0);
    this.playing = true;
    this.syncSound(true);
    this.playButton.textContent = "Pause";
    this.playButton.setAttribute("aria-pressed", "true");
    let last = performance.now();
    const step = (now) => {
      if (!this.playing) return;
      const elapsed = (now - last) / 1000;
      last = now;
      this.seek(this.position + elapsed * Number(this.speed.value), true);
      if (this.position >= this.data.play_end) { this.pause(); return; }
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  };

  Player.prototype.pause = function () {
    this.playing = false;
    this.playButton.textContent = "Play";
    this.playButton.setAttribute("aria-pressed", "false");
    this.tracks.forEach((track) => track.audio.pause());
  };

  function init() {
    const players = Array.from(document.querySelectorAll(".replay[data-replay-url]"), (root) => new Player(root));
    if (!("IntersectionObserver" in window)) {
      players.forEach((player) => player.load());
      return;
    }
    // Load each round's replay when it comes near the screen, not every round's at once.
    const observer = new IntersectionObserver((seen) => {
      seen.forEach((item) => {
        if (!item.isIntersecting) return;
        observer.unobserve(item.target);
        players.find((player) => player.root === item.target).load();
      });
    }, { rootMargin: "200px" });
    players.forEach((player) => observer.observe(player.root));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

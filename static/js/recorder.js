// Recording a microphone for the server (sessions/calls/recordings.py): MediaRecorder hands over a piece of
// WebM/Opus every CHUNK_MS; each piece is POSTed with its number as soon as it exists. Pieces wait in this
// page while the connection is down and go out in order when it is back, so a dropped connection loses
// nothing the page still holds. Used by the call (call.js) and by "Answer aloud" on solo questions.
(function () {
  "use strict";
  if (window.InterviewPrepRecorder) return;

  const CHUNK_MS = 2000;
  const BITS_PER_SECOND = 32000;
  const TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus"];

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (error) { return ""; }
  }

  function supportedType() {
    if (!window.MediaRecorder) return "";
    return TYPES.find((type) => MediaRecorder.isTypeSupported(type)) || "";
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // The chunks of one recording on their way to the server, strictly in order.
  function Upload(recording, type, onState) {
    this.recording = recording;
    this.type = type;
    this.onState = onState;
    this.queue = [];
    this.nextSeq = 0;
    this.sending = false;
    this.failed = null;
    this.drained = [];
  }

  Upload.prototype.push = function (blob, audioMs) {
    if (this.failed) return;
    this.queue.push({ seq: this.nextSeq++, blob, audioMs });
    this.pump();
  };

  Upload.prototype.pump = async function () {
    if (this.sending) return;
    this.sending = true;
    let retries = 0;
    while (this.queue.length && !this.failed) {
      const item = this.queue[0];
      let response;
      try {
        response = await fetch(`${this.recording.chunk_url}${item.seq}/`, {
          method: "POST", body: item.blob, credentials: "same-origin",
          headers: { "Content-Type": this.type, "X-CSRFToken": csrfToken(), "X-Audio-Ms": String(item.audioMs) },
        });
      } catch (error) {
        // The network is down: keep the chunks, try again with a growing pause (at most 10 s).
        this.onState(`Connection lost: ${this.queue.length * CHUNK_MS / 1000} s of recording wait in this page and will be sent.`);
        await sleep(Math.min(10000, 500 * 2 ** retries++));
        continue;
      }
      retries = 0;
      if (response.ok) { this.queue.shift(); continue; }
      const body = await response.json().catch(() => ({}));
      if (response.status === 409 && typeof body.expected === "number" && body.expected > item.seq) {
        this.queue.shift(); // stored already; only its answer was lost
        continue;
      }
      if (response.status >= 500 || response.status === 429) {
        await sleep(Math.min(10000, 1000 * 2 ** retries++));
        continue;
      }
      this.failed = body.error || `The server refused the recording (${response.status}).`;
      this.onState(this.failed);
    }
    this.sending = false;
    if (!this.queue.length || this.failed) this.drained.splice(0).forEach((resolve) => resolve());
  };

  Upload.prototype.whenDrained = function () {
    if ((!this.queue.length && !this.sending) || this.failed) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  };

  // Start recording `stream` (audio only) into a new recording made by POSTing `fields` to `url`.
  // Resolves to a handle with stop(), which sends what is left and finishes the recording.
  async function start({ stream, url, fields, onState }) {
    const type = supportedType();
    if (!type) throw new Error("This browser cannot record audio as WebM or Ogg.");
    const form = new FormData();
    Object.entries(fields).forEach(([name, value]) => form.append(name, value));
    form.append("mime", type);
    const response = await fetch(url, {
      method: "POST", body: form, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() },
    });
    const recording = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(recording.error || `Recording could not start (${response.status}).`);
    const upload = new Upload(recording, type, onState || (() => {}));
    const recorder = new MediaRecorder(new MediaStream(stream.getAudioTracks()),
                                       { mimeType: type, audioBitsPerSecond: BITS_PER_SECOND });
    const startedAt = performance.now();
    recorder.addEventListener("dataavailable", (event) => {
      if (event.data && event.data.size) upload.push(event.data, Math.round(performance.now() - startedAt));
    });
    const stopped = new Promise((resolve) => recorder.addEventListener("stop", resolve, { once: true }));
    recorder.start(CHUNK_MS);
    let stopping = null;
    return {
      id: recording.id,
      startedAt,
      upload,
      stop() {
        if (stopping) return stopping;
        if (recorder.state !== "inactive") recorder.stop();
        stopping = stopped.then(() => upload.whenDrained()).then(() => fetch(recording.finish_url, {
          method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() }, keepalive: true,
        })).catch(() => null).then(() => upload.failed);
        return stopping;
      },
    };
  }

  function mmss(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  // "Answer aloud" on a solo question: one take at a time, a timer while it records, the takes listed after.
  let take = null;

  async function startTake(section) {
    const status = section.querySelector(".spoken-status");
    if (!navigator.mediaDevices || !supportedType()) {
      status.textContent = "This browser cannot record audio here (it needs a secure https address).";
      return;
    }
    let stream;
    try { stream = await navigator.mediaDevices.getUserMedia({ audio: true }); }
    catch (error) {
      status.textContent = `The microphone is not available (${error.name}). Allow it in the browser's site settings.`;
      return;
    }
    try {
      const handle = await start({
        stream, url: section.dataset.spokenUrl, fields: { kind: "answer", number: section.dataset.spokenNumber },
        onState: (text) => { status.textContent = text; },
      });
      const timer = section.querySelector(".spoken-timer");
      take = { handle, stream, section, ticker: setInterval(() => {
        timer.textContent = mmss((performance.now() - handle.startedAt) / 1000);
      }, 250) };
      timer.textContent = "0:00";
      timer.hidden = false;
      section.querySelector(".spoken-start").hidden = true;
      section.querySelector(".spoken-stop").hidden = false;
      section.classList.add("is-recording");
      status.textContent = "Recording… answer as you would in the room.";
    } catch (error) {
      stream.getTracks().forEach((track) => track.stop());
      status.textContent = error.message;
    }
  }

  async function stopTake() {
    if (!take) return;
    const { handle, stream, section, ticker } = take;
    take = null;
    clearInterval(ticker);
    section.querySelector(".spoken-stop").disabled = true;
    section.querySelector(".spoken-status").textContent = "Saving the recording…";
    const failed = await handle.stop();
    stream.getTracks().forEach((track) => track.stop());
    section.classList.remove("is-recording");
    if (window.htmx) {
      await window.htmx.ajax("GET", section.dataset.spokenList, { target: "#spoken-answers", swap: "outerHTML" });
      const status = document.querySelector("#spoken-answers .spoken-status");
      if (status && failed) status.textContent = failed;
    }
  }

  document.addEventListener("click", (event) => {
    const section = event.target.closest("[data-spoken-url]");
    if (!section) return;
    if (event.target.closest(".spoken-start") && !take) startTake(section);
    else if (event.target.closest(".spoken-stop")) stopTake();
  });
  window.addEventListener("pagehide", () => { if (take) take.handle.stop(); });

  window.InterviewPrepRecorder = { start, supportedType, CHUNK_MS };
})();

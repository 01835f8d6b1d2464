// Live rounds: a websocket tells this page when its round changed; the page then asks for its live
// regions over HTTP (they listen for "live-changed" on <body>). Events carry no content, only a version
// (sessions/live/events.py). When the socket cannot connect or drops, a timer sends the same
// "live-changed" at the page's old polling interval until it is back, and every reconnect resyncs.
(function () {
  "use strict";
  const marker = document.querySelector("[data-live-round]");
  if (!marker) return;
  const roundId = marker.dataset.liveRound;
  const pollMs = Math.max(250, Number(marker.dataset.livePollMs) || 1000);
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/rounds/" + roundId + "/";
  // Close codes after which reconnecting cannot help (sessions/live/consumers.py).
  const FINAL_CODES = new Set([4403, 1009, 4429]);

  let socket = null;
  let leaving = false; // the page is being hidden: its close is not a failure
  let pollTimer = null;
  let retryMs = 250;
  let events = 0; // "changed" events received; a live region rendered from an older count is asked again
  const eventsAtRequest = new Map(); // target id -> events when its request started

  function announce() {
    document.body.dispatchEvent(new CustomEvent("live-changed", { bubbles: false }));
  }

  function setStatus(state) {
    marker.dataset.liveState = state;
    marker.textContent = state === "reconnecting" ? "Reconnecting… updates may take a few seconds." : "";
    window.InterviewPrepLive.state = state;
  }

  function startPolling() {
    if (pollTimer === null) pollTimer = window.setInterval(announce, pollMs);
  }

  function stopPolling() {
    if (pollTimer !== null) window.clearInterval(pollTimer);
    pollTimer = null;
  }

  function connect() {
    setStatus(socket ? "reconnecting" : "connecting");
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      retryMs = 250;
      stopPolling();
      setStatus("connected");
    });
    socket.addEventListener("message", (message) => {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      if (data.kind === "changed" || data.kind === "hello") {
        events += 1;
        window.InterviewPrepLive.version = data.version;
        announce(); // "hello" too: whatever changed while the socket was down is fetched once
      }
    });
    socket.addEventListener("close", (event) => {
      if (leaving) return;
      startPolling();
      if (FINAL_CODES.has(event.code)) {
        setStatus("polling");
        return;
      }
      setStatus("reconnecting");
      const wait = retryMs * (0.75 + Math.random() / 2);
      retryMs = Math.min(retryMs * 2, 5000);
      window.setTimeout(connect, wait);
    });
  }

  // A region whose request was answered from a state older than the latest event (the Run's own
  // response racing the verdict, say) is asked again: no event is lost between request and swap.
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const target = event.detail.target;
    if (target && target.id) eventsAtRequest.set(target.id, events);
  });
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (!target || !target.id || !eventsAtRequest.has(target.id)) return;
    const seen = eventsAtRequest.get(target.id);
    eventsAtRequest.delete(target.id);
    if (seen < events && socket && socket.readyState === WebSocket.OPEN) announce();
  });

  window.InterviewPrepLive = {
    state: "connecting",
    version: null,
    // For tests and the benchmarks: drop the socket as a network failure would.
    drop() {
      if (socket) socket.close(4000, "dropped by the page");
    },
  };
  startPolling(); // until the socket is open, exactly as before websockets
  // Connect once htmx has set up the live regions' triggers (on DOMContentLoaded, before this listener):
  // a "hello" announced earlier would reach no region, and nothing would ask again until the next change.
  const start = () => window.setTimeout(() => { if ("WebSocket" in window) connect(); }, 0);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.addEventListener("pagehide", () => {
    leaving = true;
    if (socket) socket.close(1000);
  });
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return; // back from the browser's page cache: the socket was closed on the way out
    leaving = false;
    connect();
  });
})();

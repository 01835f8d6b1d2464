// The shared code pad's connection: keeps one Y.Doc (and the people's cursors, in an Awareness) in sync
// with the server over a websocket, in the y-protocols wire format that pycrdt-websocket speaks.
//
// Messages are [0 = sync, 0 = step 1 | 1 = step 2 | 2 = update, payload] and [1 = awareness, payload].
// On every (re)connection both sides send step 1 (their state vector) and answer the other's with
// step 2 (what the other lacks), so edits made while offline, which wait in the Y.Doc, reach the
// server then; nothing is queued here. Our own doc updates and awareness changes go out as they happen.
//
// What the servers do, as read in pycrdt-websocket 0.16.5 (the reasons for some choices below):
// - both its YRoom (ASGI) server and its Django Channels consumer send step 1 as soon as the socket opens,
//   and reply to ours with step 2;
// - the Channels consumer forwards every message to the whole room, the sender included (so a peer's
//   step 1 reaches us too, and must be answered like the server's; our own comes back to us), and YRoom
//   echoes awareness messages to their sender (which keeps a quiet connection alive);
// - neither sends a newcomer the cursors already in the room, so we repeat our awareness state when
//   someone new appears, and they learn ours at once instead of at the next 15 s renewal.

import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;
// Awareness renews every 15 s and the server echoes it, so this much silence means a dead link.
const SILENCE_MS = 30000;

export const STATUSES = Object.freeze(["connecting", "connected", "synced", "disconnected"]);

/**
 * Connects `doc` and `awareness` to the websocket at `url` and keeps them connected until
 * disconnect() or destroy(). Updates it applies from the network carry the connection itself as their
 * transaction origin (`tr.origin === connection`), so observers can tell remote edits from local ones.
 * onStatus(status) is called with each new status from STATUSES.
 */
export class PadConnection {
  constructor(url, { doc, awareness, onStatus } = {}) {
    this.url = url;
    this.doc = doc;
    this.awareness = awareness;
    this._onStatus = typeof onStatus === "function" ? onStatus : null;
    this._status = "disconnected";
    this._socket = null;
    this._attempts = 0; // failed connections since the last sync: sets the next wait
    this._retryTimer = null;
    this._silenceTimer = null;
    this._wanted = false; // false after disconnect(): no reconnecting
    this._localState = awareness.getLocalState(); // restored by reconnect() after disconnect()

    this._onDocUpdate = (update, origin) => {
      if (origin === this) return; // came from the server: do not echo it
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      this._send(encoding.toUint8Array(encoder));
    };
    this._onAwarenessUpdate = ({ added, updated, removed }, origin) => {
      const own = this.doc.clientID;
      // Ours changed (cursor, name, leaving, or bumped because the server had dropped it; the server's
      // echo of ours changes nothing): tell the others. Someone new appeared: tell them ours.
      if (added.concat(updated, removed).includes(own) || (origin === this && added.some((id) => id !== own))) {
        this._sendAwareness([own]);
      }
    };
    this._onPageHide = () => {
      // Closing or leaving the page: our cursor disappears at the other end now, not after 30 s.
      const state = this.awareness.getLocalState();
      if (state === null) return;
      this._localState = state;
      awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], "page hidden");
    };
    this._onPageShow = (event) => {
      // Back from the back/forward cache: show our cursor again.
      if (event.persisted && this.awareness.getLocalState() === null && this._localState) {
        this.awareness.setLocalState(this._localState);
      }
    };
    doc.on("update", this._onDocUpdate);
    awareness.on("update", this._onAwarenessUpdate);
    if (typeof window !== "undefined") {
      window.addEventListener("pagehide", this._onPageHide);
      window.addEventListener("pageshow", this._onPageShow);
    }
  }

  /** One of STATUSES. */
  get status() {
    return this._status;
  }

  /** Opens the socket (again) now, forgetting any wait; also undoes disconnect(). */
  connect() {
    this._wanted = true;
    this._attempts = 0;
    if (this.awareness.getLocalState() === null && this._localState) {
      this.awareness.setLocalState(this._localState);
    }
    this._closeSocket();
    this._open();
  }

  /** Closes the socket and stops reconnecting; the others see our cursor go. */
  disconnect() {
    this._wanted = false;
    clearTimeout(this._retryTimer);
    const state = this.awareness.getLocalState();
    if (state !== null) {
      this._localState = state;
      awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], "disconnect");
    }
    this._closeSocket();
    this._setStatus("disconnected");
  }

  /** disconnect(), and stops listening to the doc, the awareness and the page. */
  destroy() {
    this.disconnect();
    this.doc.off("update", this._onDocUpdate);
    this.awareness.off("update", this._onAwarenessUpdate);
    if (typeof window !== "undefined") {
      window.removeEventListener("pagehide", this._onPageHide);
      window.removeEventListener("pageshow", this._onPageShow);
    }
  }

  _open() {
    this._setStatus("connecting");
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      console.error("InterviewPrepEditor: cannot open the pad's websocket", error);
      this._setStatus("disconnected");
      this._scheduleRetry();
      return;
    }
    socket.binaryType = "arraybuffer";
    this._socket = socket;
    socket.onopen = () => {
      if (this._socket !== socket) return;
      this._setStatus("connected");
      this._heard();
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeSyncStep1(encoder, this.doc);
      this._send(encoding.toUint8Array(encoder));
      if (this.awareness.getLocalState() !== null) this._sendAwareness([this.doc.clientID]);
    };
    socket.onmessage = (event) => {
      if (this._socket !== socket) return;
      this._heard();
      if (!(event.data instanceof ArrayBuffer)) return; // the protocol is binary only
      try {
        this._receive(new Uint8Array(event.data));
      } catch (error) {
        console.error("InterviewPrepEditor: unreadable message from the pad's server", error);
      }
    };
    socket.onclose = () => this._lost(socket);
    // An error is always followed by close, which does the work.
    socket.onerror = () => {};
  }

  _receive(message) {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      // Answers step 1 with step 2 (into encoder); applies step 2 and updates with us as the origin.
      const kind = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
      if (encoding.length(encoder) > 1) this._send(encoding.toUint8Array(encoder));
      if (kind === syncProtocol.messageYjsSyncStep2 && this._status === "connected") {
        this._attempts = 0;
        this._setStatus("synced");
      }
    } else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    }
    // Other types (y-protocols' auth = 2) are not used by the server: ignored.
  }

  _sendAwareness(clients) {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    this._send(encoding.toUint8Array(encoder));
  }

  // Sends only on an open socket: what is not sent now is in the Y.Doc and goes with the next sync.
  _send(bytes) {
    if (this._socket && this._socket.readyState === WebSocket.OPEN) this._socket.send(bytes);
  }

  // The socket closed, or went silent (a dead link's close can take minutes to come): wait, then retry.
  _lost(socket) {
    if (this._socket !== socket) return; // an old socket, already dealt with
    this._socket = null;
    clearTimeout(this._silenceTimer);
    socket.onclose = null;
    socket.onmessage = null;
    if (socket.readyState !== WebSocket.CLOSED) socket.close();
    this._forgetOthers();
    this._setStatus("disconnected");
    this._scheduleRetry();
  }

  _heard() {
    clearTimeout(this._silenceTimer);
    const socket = this._socket;
    this._silenceTimer = setTimeout(() => this._lost(socket), SILENCE_MS);
  }

  // 250 ms, doubling to 5 s, each wait between half and all of that (so a room does not come back at once).
  _scheduleRetry() {
    if (!this._wanted) return;
    clearTimeout(this._retryTimer);
    const ceiling = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this._attempts);
    this._attempts += 1;
    const wait = ceiling / 2 + Math.random() * (ceiling / 2);
    this._retryTimer = setTimeout(() => {
      if (this._wanted && !this._socket) this._open();
    }, wait);
  }

  _closeSocket() {
    clearTimeout(this._retryTimer);
    clearTimeout(this._silenceTimer);
    const socket = this._socket;
    this._socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.close();
    }
    this._forgetOthers();
  }

  // Offline we cannot tell who is still there: their cursors come back with their next awareness message.
  _forgetOthers() {
    const others = Array.from(this.awareness.getStates().keys()).filter((id) => id !== this.doc.clientID);
    if (others.length) awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
  }

  _setStatus(status) {
    if (status === this._status) return;
    this._status = status;
    if (this._onStatus) {
      try {
        this._onStatus(status);
      } catch (error) {
        console.error(error);
      }
    }
  }
}

// The call of a paired round: WebRTC audio (and video when a camera is turned on) between the interviewer's and
// the candidate's browsers. Offers, answers and ICE candidates go through the websocket /ws/call/<round>/
// (sessions/calls/signaling.py); the media goes browser to browser. Negotiation follows the "perfect
// negotiation" pattern (the candidate is the polite side that gives way when both offer at once), with one
// rule on top so that a page change on either side or both at once always ends in one pair of connections:
// only the interviewer starts a connection (when it joins, and whenever the candidate says hello); the
// candidate starts afresh whenever an offer comes from a connection it does not know. Every message names
// the connection that sent it (`id`, new with each RTCPeerConnection) and the one it is meant for (`to`),
// so an answer or candidate meant for a connection that was replaced is dropped, never applied to another.
// While the consent panel (#call-consent, refreshed by the live channel) says both agreed, this browser
// records its own microphone through recorder.js.
(function () {
  "use strict";

  function init() {
    const root = document.querySelector("[data-call]");
    if (!root) return;
    const $ = (selector) => root.querySelector(selector);
    const partner = root.dataset.callPartner;
    const polite = root.dataset.callRole === "candidate";
    const joinedKey = `call-joined-${root.dataset.callRound}`;
    const mutedKey = `call-muted-${root.dataset.callRound}`; // kept across page changes: never unmute by surprise
    const iceServers = JSON.parse(document.getElementById("call-ice-servers").textContent || "[]");
    const ui = {
      status: $(".call-status"), join: $(".call-join"), mute: $(".call-mute"), camera: $(".call-camera"),
      leave: $(".call-leave"), devices: $(".call-devices"), microphone: $(".call-microphone"),
      cameraDevice: $(".call-camera-device"), peer: $(".call-peer"), remote: $(".call-remote"),
      local: $(".call-local"), recorder: $(".recorder-status"),
    };

    let socket = null, pc = null, localStream = null, joined = false;
    let myId = null, remoteId = null; // this side's connection, and the other side's one we talk to
    let makingOffer = false, ignoreOffer = false, muted = false, cameraOn = false;
    let backoff = 250, reconnectTimer = null, signals = Promise.resolve();
    let recording = null; // the recorder.js handle, or "starting"

    function setStatus(text, state) {
      ui.status.textContent = text;
      root.dataset.callState = state;
    }

    function send(message) {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ ...message, id: myId, to: remoteId }));
    }

    function sendMedia() { send({ kind: "media", muted, camera: cameraOn }); }

    async function listDevices() {
      const found = await navigator.mediaDevices.enumerateDevices();
      [[ui.microphone, "audioinput", "Microphone"], [ui.cameraDevice, "videoinput", "Camera"]].forEach(([select, kind, name]) => {
        const chosen = select.value;
        select.replaceChildren(...found.filter((d) => d.kind === kind).map((device, i) => {
          const option = document.createElement("option");
          option.value = device.deviceId;
          option.textContent = device.label || `${name} ${i + 1}`;
          return option;
        }));
        if (chosen) select.value = chosen;
        select.closest("label").hidden = !select.options.length;
      });
      const track = localStream && localStream.getAudioTracks()[0];
      const settings = track && track.getSettings ? track.getSettings() : {};
      if (settings.deviceId) ui.microphone.value = settings.deviceId;
    }

    // ------------------------------------------------------------ the peer connection

    function closePeer() {
      if (!pc) return;
      pc.onnegotiationneeded = pc.onicecandidate = pc.ontrack = pc.onconnectionstatechange = null;
      pc.close();
      pc = null;
      ui.remote.srcObject = null;
      root.classList.remove("remote-video");
    }

    function showRemoteVideo(stream) {
      root.classList.toggle("remote-video", stream.getVideoTracks().some((t) => t.readyState === "live"));
    }

    function newPeer() {
      closePeer();
      makingOffer = ignoreOffer = false;
      myId = Math.random().toString(36).slice(2, 12);
      pc = new RTCPeerConnection({ iceServers });
      localStream.getTracks().forEach((track) => pc.addTrack(track, localStream));
      pc.onnegotiationneeded = async () => {
        const current = pc;
        try {
          makingOffer = true;
          await current.setLocalDescription();
          if (current === pc) send({ kind: "description", description: current.localDescription });
        } catch (error) {
          console.warn("call: could not make an offer", error);
        } finally {
          makingOffer = false;
        }
      };
      pc.onicecandidate = ({ candidate }) => send({ kind: "candidate", candidate: candidate ? candidate.toJSON() : null });
      pc.ontrack = ({ track, streams }) => {
        const stream = streams[0] || new MediaStream([track]);
        if (ui.remote.srcObject !== stream) ui.remote.srcObject = stream;
        stream.onremovetrack = () => showRemoteVideo(stream);
        track.onunmute = () => showRemoteVideo(stream);
        showRemoteVideo(stream);
        ui.remote.play().catch(() => {
          setStatus(`Connected with ${partner}. Click anywhere on the page to hear them.`, "connected");
          document.addEventListener("click", () => ui.remote.play().catch(() => {}), { once: true });
        });
      };
      pc.onconnectionstatechange = () => {
        if (!pc) return;
        const state = pc.connectionState;
        if (state === "connected") {
          setStatus(`Connected with ${partner}.`, "connected");
          sendMedia();
        } else if (state === "disconnected") {
          setStatus("Reconnecting…", "reconnecting");
        } else if (state === "failed") {
          setStatus("The connection failed; trying again. If it keeps failing, your networks need a TURN server " +
                    "(WEBRTC_ICE_SERVERS).", "reconnecting");
          if (!polite) pc.restartIce();
        } else if (state === "connecting") {
          setStatus(`Connecting to ${partner}…`, "connecting");
        }
      };
    }

    async function onSignal(message) {
      if (!joined) return;
      if (message.kind === "hello") {
        // The candidate (re)joined: the interviewer starts a fresh connection for it. The candidate waits for
        // the interviewer's offer, which follows its hello.
        if (!polite) {
          remoteId = message.id;
          newPeer();
          setStatus(`Connecting to ${partner}…`, "connecting");
        }
        return;
      }
      if (message.kind === "bye") {
        if (message.id !== remoteId) return; // a connection of theirs that was replaced already
        closePeer();
        remoteId = null;
        ui.peer.textContent = "";
        setStatus(`${partner} left the call. Waiting for them to come back…`, "waiting");
        return;
      }
      if (message.kind === "media") {
        ui.peer.textContent = message.muted ? `${partner} is muted.` : "";
        return;
      }
      const offer = message.kind === "description" && message.description.type === "offer";
      const answer = message.kind === "description" && message.description.type === "answer";
      if (answer) {
        if (message.to !== myId) return; // it answers an offer of a connection we replaced
        remoteId = message.id; // their connection made for our offer
      } else if (offer && polite && (!pc || message.id !== remoteId)) {
        newPeer(); // the interviewer's new connection: ours starts afresh to answer it
        remoteId = message.id;
      } else if (message.id !== remoteId || !pc) {
        return; // from a connection of theirs we no longer talk to
      }
      if (message.kind === "description") {
        const description = message.description;
        const collision = description.type === "offer" && (makingOffer || pc.signalingState !== "stable");
        ignoreOffer = !polite && collision;
        if (ignoreOffer) return;
        await pc.setRemoteDescription(description); // rolls back our own offer first when we are polite
        if (description.type === "offer") {
          await pc.setLocalDescription();
          send({ kind: "description", description: pc.localDescription });
        }
      } else if (message.kind === "candidate") {
        try {
          await pc.addIceCandidate(message.candidate || undefined);
        } catch (error) {
          if (!ignoreOffer) console.warn("call: a candidate was refused", error);
        }
      }
    }

    // ------------------------------------------------------------ the websocket

    function connect() {
      clearTimeout(reconnectTimer);
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${scheme}://${location.host}${root.dataset.call}`);
      socket.onopen = () => {
        backoff = 250;
        // A connection still carrying media survives the signaling socket's drop: keep it.
        if (pc && ["connected", "connecting"].includes(pc.connectionState)) return;
        setStatus(`Waiting for ${partner} to join the call…`, "waiting");
        if (!polite) newPeer(); // its offer goes to whoever is there; the candidate answers offers only
        else { closePeer(); myId = Math.random().toString(36).slice(2, 12); }
        send({ kind: "hello" });
      };
      socket.onmessage = (event) => {
        let message;
        try { message = JSON.parse(event.data); } catch (error) { return; }
        signals = signals.then(() => onSignal(message)).catch((error) => console.warn("call:", error));
      };
      socket.onclose = (event) => {
        socket = null;
        if (!joined) return;
        if (event.code === 4403) {
          hangUp("The call is closed: the round is over, or it is no longer yours.");
        } else if (event.code === 4409) {
          hangUp("You joined this call from another tab or window; it goes on there.", true);
        } else {
          setStatus("Reconnecting…", "reconnecting");
          reconnectTimer = setTimeout(connect, backoff);
          backoff = Math.min(5000, backoff * 2);
        }
      };
    }

    // ------------------------------------------------------------ joining, leaving, the controls

    async function join() {
      if (joined) return;
      if (!navigator.mediaDevices || !window.RTCPeerConnection) {
        setStatus("This browser cannot make calls here (calls need WebRTC and a secure https address).", "unsupported");
        return;
      }
      setStatus("Asking for your microphone…", "starting");
      try {
        localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      } catch (error) {
        sessionStorage.removeItem(joinedKey);
        setStatus(`The microphone is not available (${error.name}). Allow it in your browser's site settings, then join again.`, "no-media");
        return;
      }
      joined = true;
      sessionStorage.setItem(joinedKey, "1");
      if (sessionStorage.getItem(mutedKey)) toggleMute();
      ui.join.hidden = true;
      ui.mute.hidden = ui.camera.hidden = ui.leave.hidden = ui.devices.hidden = false;
      await listDevices().catch(() => {});
      connect();
      syncRecording();
    }

    function hangUp(message, keepJoinedFlag) {
      joined = false;
      if (!keepJoinedFlag) sessionStorage.removeItem(joinedKey);
      clearTimeout(reconnectTimer);
      stopRecording();
      closePeer();
      if (socket) { const s = socket; socket = null; s.close(1000); }
      if (localStream) localStream.getTracks().forEach((track) => track.stop());
      localStream = null;
      cameraOn = muted = false;
      if (!keepJoinedFlag) sessionStorage.removeItem(mutedKey);
      ui.local.hidden = true;
      ui.join.hidden = false;
      ui.mute.hidden = ui.camera.hidden = ui.leave.hidden = ui.devices.hidden = true;
      ui.mute.textContent = "Mute";
      ui.mute.setAttribute("aria-pressed", "false");
      ui.camera.textContent = "Turn camera on";
      ui.camera.setAttribute("aria-pressed", "false");
      ui.peer.textContent = "";
      setStatus(message, "left");
    }

    function leave() {
      send({ kind: "bye" });
      hangUp("You left the call.");
    }

    function toggleMute() {
      muted = !muted;
      if (muted) sessionStorage.setItem(mutedKey, "1");
      else sessionStorage.removeItem(mutedKey);
      localStream.getAudioTracks().forEach((track) => { track.enabled = !muted; });
      ui.mute.textContent = muted ? "Unmute" : "Mute";
      ui.mute.setAttribute("aria-pressed", String(muted));
      sendMedia();
    }

    async function toggleCamera() {
      if (!cameraOn) {
        const device = ui.cameraDevice.value;
        let stream;
        try {
          stream = await navigator.mediaDevices.getUserMedia({ video: device ? { deviceId: { exact: device } } : true });
        } catch (error) {
          ui.peer.textContent = `The camera is not available (${error.name}).`;
          return;
        }
        const track = stream.getVideoTracks()[0];
        localStream.addTrack(track);
        if (pc) pc.addTrack(track, localStream);
        ui.local.srcObject = new MediaStream([track]);
        ui.local.hidden = false;
        cameraOn = true;
        listDevices().catch(() => {});
      } else {
        localStream.getVideoTracks().forEach((track) => {
          if (pc) pc.getSenders().filter((sender) => sender.track === track).forEach((sender) => pc.removeTrack(sender));
          track.stop();
          localStream.removeTrack(track);
        });
        ui.local.srcObject = null;
        ui.local.hidden = true;
        cameraOn = false;
      }
      ui.camera.textContent = cameraOn ? "Turn camera off" : "Turn camera on";
      ui.camera.setAttribute("aria-pressed", String(cameraOn));
      sendMedia();
    }

    async function chooseMicrophone() {
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: ui.microphone.value } } });
      } catch (error) {
        ui.peer.textContent = `That microphone is not available (${error.name}).`;
        return;
      }
      const track = stream.getAudioTracks()[0];
      track.enabled = !muted;
      const old = localStream.getAudioTracks()[0];
      if (pc) {
        const sender = pc.getSenders().find((s) => s.track === old);
        if (sender) await sender.replaceTrack(track);
      }
      localStream.removeTrack(old);
      old.stop();
      localStream.addTrack(track);
      if (recording && recording !== "starting") { // the recorder held the old track: a new recording follows
        await stopRecording();
        syncRecording();
      }
    }

    async function chooseCamera() {
      if (!cameraOn) return;
      await toggleCamera();
      await toggleCamera();
    }

    // ------------------------------------------------------------ recording while both agree

    function recordingWanted() {
      const panel = document.getElementById("call-consent");
      return panel && panel.dataset.recording === "on" ? panel : null;
    }

    async function syncRecording() {
      const panel = recordingWanted();
      if (panel && joined && localStream && !recording) {
        recording = "starting";
        try {
          const handle = await window.InterviewPrepRecorder.start({
            stream: localStream, url: panel.dataset.recordUrl, fields: { kind: "call" },
            onState: (text) => { ui.recorder.textContent = text; },
          });
          recording = handle;
          ui.recorder.textContent = "Your microphone is being recorded.";
          if (!recordingWanted() || !joined) stopRecording();
        } catch (error) {
          recording = null;
          ui.recorder.textContent = error.message;
        }
      } else if (!panel && recording && recording !== "starting") {
        stopRecording();
      }
    }

    async function stopRecording() {
      if (!recording || recording === "starting") return;
      const handle = recording;
      recording = null;
      ui.recorder.textContent = "Saving the recording…";
      const failed = await handle.stop();
      ui.recorder.textContent = failed || "Recording saved: it is in this round's review.";
    }

    ui.join.addEventListener("click", join);
    ui.leave.addEventListener("click", leave);
    ui.mute.addEventListener("click", toggleMute);
    ui.camera.addEventListener("click", toggleCamera);
    ui.microphone.addEventListener("change", chooseMicrophone);
    ui.cameraDevice.addEventListener("change", chooseCamera);
    document.body.addEventListener("htmx:afterSettle", () => syncRecording());
    window.addEventListener("pagehide", () => {
      if (recording && recording !== "starting") recording.stop();
      send({ kind: "bye" });
    });
    window.InterviewPrepCall = { state: () => root.dataset.callState, peer: () => pc, recording: () => recording };
    // Back on the page after it changed (another question, a pause): rejoin, as the person had joined.
    if (sessionStorage.getItem(joinedKey)) join();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

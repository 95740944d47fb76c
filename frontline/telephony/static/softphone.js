// Frontline browser softphone. Wire format: see frontline/telephony/softphone.py and docs/telephony.md.
// Mic: PCM16 16 kHz mono little-endian binary frames up. Agent audio: {"type":"audio",...} + one binary
// PCM16 frame down, scheduled on the AudioContext clock; each frame's mark is echoed when it has played,
// and the position inside the playing frame is reported, so barge-in keeps exactly what was heard.
"use strict";
(() => {
  const RATE = 16000;
  const $ = (id) => document.getElementById(id);
  const state = { status: "idle", callId: null, turns: {}, ended: null, transfer: null, framesPlayed: 0, clears: 0 };
  window.softphone = state;

  let ws = null, ctx = null, mic = null, proc = null, timer = null;
  let pendingMeta = null, scheduled = [], nextTime = 0, lastPos = null;

  function setStatus(s) { state.status = s; $("status").textContent = s; document.body.dataset.state = s; }
  function send(obj) { if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(obj)); }

  async function call() {
    $("call").disabled = true;
    setStatus("starting");
    ctx = new AudioContext({ sampleRate: RATE });
    await ctx.resume();
    try {
      mic = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: false },
      });
    } catch (e) {
      setStatus("microphone unavailable: " + e.message);
      $("call").disabled = false;
      return;
    }
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(`${proto}//${location.host}/phone`);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => { startMic(); setStatus("connected"); $("hangup").disabled = false; $("zero").disabled = false; };
    ws.onmessage = onMessage;
    ws.onclose = (ev) => finish(ev.reason || "closed");
    timer = setInterval(report, 20);
  }

  function startMic() {
    const src = ctx.createMediaStreamSource(mic);
    proc = ctx.createScriptProcessor(1024, 1, 1);
    proc.onaudioprocess = (e) => {
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      const x = e.inputBuffer.getChannelData(0);
      const out = new Int16Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const v = Math.max(-1, Math.min(1, x[i]));
        out[i] = v < 0 ? v * 0x8000 : v * 0x7fff;
      }
      ws.send(out.buffer); // Int16Array is little-endian on every platform browsers run on
    };
    const mute = ctx.createGain();
    mute.gain.value = 0; // the processor must reach the destination to run; don't play the mic back
    src.connect(proc); proc.connect(mute); mute.connect(ctx.destination);
  }

  function onMessage(ev) {
    if (typeof ev.data !== "string") {
      if (pendingMeta) play(pendingMeta, ev.data);
      pendingMeta = null;
      return;
    }
    const m = JSON.parse(ev.data);
    if (m.type === "audio") pendingMeta = m;
    else if (m.type === "clear") clearPlayback();
    else if (m.type === "turn") showTurn(m);
    else if (m.type === "ready") { state.callId = m.call_id; setStatus("in call"); }
    else if (m.type === "transfer") { state.transfer = m; setStatus("transferring to " + (m.target || "a person")); }
    else if (m.type === "ended") finish(m.reason);
  }

  function play(meta, buf) {
    const pcm = new Int16Array(buf);
    const f = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) f[i] = pcm[i] / 32768;
    const ab = ctx.createBuffer(1, f.length, RATE);
    ab.copyToChannel(f, 0);
    const node = ctx.createBufferSource();
    node.buffer = ab;
    node.connect(ctx.destination);
    const t = Math.max(nextTime, ctx.currentTime + 0.02);
    node.start(t);
    nextTime = t + f.length / RATE;
    scheduled.push({ node, start: t, end: nextTime, mark: meta.mark, segment: meta.segment, offset: meta.offset, n: f.length });
  }

  // Every 20 ms: echo the marks of frames that finished, report the position in the one playing.
  function report() {
    if (!ctx) return;
    const now = ctx.currentTime;
    while (scheduled.length && scheduled[0].end <= now) {
      const fr = scheduled.shift();
      send({ type: "mark", name: fr.mark });
      state.framesPlayed++;
      lastPos = { segment: fr.segment, samples: fr.offset + fr.n };
    }
    if (scheduled.length && scheduled[0].start < now) {
      const fr = scheduled[0];
      const k = Math.min(fr.n, Math.floor((now - fr.start) * RATE));
      const pos = { segment: fr.segment, samples: fr.offset + k };
      if (!lastPos || pos.segment !== lastPos.segment || pos.samples !== lastPos.samples) {
        send({ type: "position", segment: pos.segment, samples: pos.samples });
        lastPos = pos;
      }
    }
  }

  function clearPlayback() {
    report();
    for (const fr of scheduled) { try { fr.node.stop(); } catch (e) { /* not started */ } }
    scheduled = [];
    nextTime = 0;
    state.clears++;
  }

  function showTurn(m) {
    state.turns[m.index] = m;
    let li = document.querySelector(`#transcript li[data-index="${m.index}"]`);
    if (!li) {
      li = document.createElement("li");
      li.dataset.index = m.index;
      li.dataset.role = m.role;
      li.innerHTML = '<span class="who"></span><span class="text"></span><span class="lat"></span>';
      $("transcript").appendChild(li);
    }
    li.querySelector(".who").textContent = m.role === "agent" ? "Agent:" : "You:";
    li.querySelector(".text").textContent = m.dtmf ? `[pressed ${m.dtmf}]` : m.text;
    li.classList.toggle("interrupted", !!m.interrupted);
    const gap = m.latency_ms && m.latency_ms.turn_gap;
    li.querySelector(".lat").textContent = gap != null ? `${Math.round(gap)} ms` : "";
    if (gap != null) li.dataset.latencyMs = Math.round(gap);
  }

  function finish(reason) {
    if (state.ended) return;
    state.ended = reason || "ended";
    setStatus("call ended: " + state.ended);
    clearInterval(timer);
    if (proc) proc.disconnect();
    if (mic) mic.getTracks().forEach((t) => t.stop());
    if (ws && ws.readyState === WebSocket.OPEN) ws.close();
    $("hangup").disabled = true; $("zero").disabled = true; $("call").disabled = false;
  }

  $("call").onclick = () => { state.ended = null; call(); };
  $("hangup").onclick = () => { send({ type: "hangup" }); finish("caller_hangup"); };
  $("zero").onclick = () => send({ type: "dtmf", digit: "0" });
})();

/* Lijfwijs players: a breathing pacer, a timer with cues and a guide with timed steps, all played
 * from the data the page passes (json_script "player-data"); this file holds no exercise and no text.
 *
 * Timing comes from the clock, never from counting ticks: every moment is computed from
 * performance.now() minus the start and the time spent paused, and the next update is set for the
 * next boundary (a phase, a cue, a second of the countdown). A busy phone or a background tab may
 * update late, but never shows the wrong phase once it updates.
 *
 * After a practice the session is sent to the practice log (form-encoded, with the CSRF token and a
 * client_key made at the start). Without a connection it is kept on this device by the outbox
 * (core/outbox.js, shared with the check-ins), which sends it when the connection returns; the
 * client_key makes a resend store one session.
 */
(() => {
  "use strict";

  const root = document.querySelector("[data-player]");
  const source = document.getElementById("player-data");
  if (!root || !source) return;
  const data = JSON.parse(source.textContent);
  const ui = data.ui;
  const outbox = window.lijfwijsOutbox;
  const PREFS = "lijfwijs.player.prefs";
  const LOW = 0.55; // the circle after a full out-breath (scale), and after a full in-breath: 1

  const $ = (selector) => root.querySelector(selector);
  const stages = {
    intro: $('[data-stage="intro"]'),
    run: $('[data-stage="run"]'),
    after: $('[data-stage="after"]'),
  };
  const el = {
    setup: $("[data-setup]"),
    start: $("[data-start]"),
    savePattern: $("[data-save-pattern]"),
    breath: $("[data-breath]"),
    now: $("[data-now]"),
    count: $("[data-count]"),
    where: $("[data-where]"),
    live: $("[data-live]"),
    pause: $("[data-pause]"),
    next: $("[data-next]"),
    stop: $("[data-stop]"),
    afterHeading: $("[data-after-heading]"),
    done: $("[data-done]"),
    compare: $("[data-compare]"),
    again: $("[data-again]"),
    logForm: $("[data-log-form]"),
    logStatus: $("[data-log-status]"),
    keptNote: $("[data-kept-note]"),
    outboxStatus: $("[data-outbox-status]"),
  };

  // ---------------------------------------------------------------------------------------------
  // Words

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, name) => (name in values ? values[name] : ""));
  }

  function plural(forms, count) {
    return fill(forms[count === 1 ? 0 : 1], { count });
  }

  function spoken(seconds) {
    // 76 -> "1 minuut en 16 seconden"
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    if (!m) return plural(ui.seconds, s);
    if (!s) return plural(ui.minutes, m);
    return fill(ui.and, { minutes: plural(ui.minutes, m), seconds: plural(ui.seconds, s) });
  }

  function clock(seconds) {
    return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }

  // ---------------------------------------------------------------------------------------------
  // The plan: segments [start, end) in ms, from the data and the person's choices

  function setting(name) {
    const input = el.setup && el.setup.querySelector(`[data-setting="${name}"]`);
    return input ? Number(input.value) : NaN;
  }

  function phasesNow() {
    const tempo = setting("tempo");
    return data.phases.map((p) =>
      data.tempo && tempo && p.phase !== "hold" ? { ...p, seconds: tempo } : p
    );
  }

  function cyclesNow(phases) {
    if (data.cycles) {
      const chosen = setting("cycles");
      const n = Number.isFinite(chosen) ? chosen : data.cycles.default;
      return Math.min(data.cycles.max, Math.max(data.cycles.min, Math.round(n)));
    }
    const length = phases.reduce((sum, p) => sum + p.seconds, 0);
    const minutes = Number.isFinite(setting("minutes")) ? setting("minutes") : data.minutes.default;
    return Math.max(1, Math.round((minutes * 60) / length));
  }

  // How big the circle is at the start and end of each phase of a round: it fills with the
  // in-breath (two inhales in a row, as in the sigh, in proportion to their seconds) and empties
  // with the out-breath.
  function shape(phases, level) {
    return phases.map((p, i) => {
      let to = level;
      if (p.phase === "exhale") to = LOW;
      else if (p.phase === "inhale") {
        let rest = 0;
        for (let j = i; j < phases.length && phases[j].phase === "inhale"; j += 1) rest += phases[j].seconds;
        to = level + ((1 - level) * p.seconds) / rest;
      }
      const sizes = { from: level, to };
      level = to;
      return sizes;
    });
  }

  function pacerPlan() {
    const phases = phasesNow();
    const rounds = cyclesNow(phases);
    const segments = [];
    let t = 0;
    let level = LOW;
    const add = (phase, round, sizes) => {
      const ms = phase.seconds * 1000;
      const text = phase.text || ui.phase[phase.phase];
      segments.push({ start: t, end: t + ms, kind: phase.phase, text, round, ...sizes });
      t += ms;
      level = sizes.to;
    };
    if (data.lead_in) add(data.lead_in, 0, shape([data.lead_in], 0.8)[0]);
    for (let round = 1; round <= rounds; round += 1) {
      const sizes = shape(phases, level);
      phases.forEach((p, i) => add(p, round, sizes[i]));
    }
    return { segments, total: t, rounds };
  }

  function timerPlan() {
    let seconds = data.seconds;
    if (!seconds) {
      const chosen = setting("minutes");
      seconds = (data.minutes.choices.includes(chosen) ? chosen : data.minutes.default) * 60;
    }
    const total = seconds * 1000;
    const cues = data.cues.filter((c) => c.at * 1000 < total);
    if (!cues.length || cues[0].at > 0) cues.unshift({ at: 0, text: "" });
    const segments = cues.map((cue, i) => ({
      start: cue.at * 1000,
      end: i + 1 < cues.length ? cues[i + 1].at * 1000 : total,
      kind: "cue",
      text: cue.text,
    }));
    return { segments, total, end: data.end_cue || ui.time_up };
  }

  function guidePlan() {
    let t = 0;
    const segments = data.steps.map((step, i) => {
      const segment = { start: t, end: t + step.seconds * 1000, kind: step.mark || "step", text: step.text, n: i + 1 };
      t = segment.end;
      return segment;
    });
    return { segments, total: t };
  }

  function makePlan() {
    if (data.kind === "pacer") return pacerPlan();
    if (data.kind === "timer") return timerPlan();
    return guidePlan();
  }

  // ---------------------------------------------------------------------------------------------
  // Sound, vibration and speech: each off until the person switches it on

  const prefs = loadPrefs();
  let audio = null;

  function loadPrefs() {
    try {
      return JSON.parse(localStorage.getItem(PREFS) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  function option(name) {
    const box = el.setup && el.setup.querySelector(`[data-option="${name}"]`);
    return Boolean(box && box.checked && !box.disabled);
  }

  function tone(kind) {
    if (!audio) return;
    const pitch = { inhale: 392, exhale: 294, hold: 330, tense: 330, compare: 392, end: 262 }[kind] || 349;
    const at = audio.currentTime;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = pitch;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.12, at + 0.08);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.9);
    osc.connect(gain).connect(audio.destination);
    osc.start(at);
    osc.stop(at + 1);
  }

  function say(text) {
    if (!option("speak") || !text || !("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = ui.lang;
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  function signal(kind, text) {
    if (option("sound")) tone(kind);
    if (option("vibrate") && navigator.vibrate) navigator.vibrate(kind === "end" ? [80, 60, 80] : 60);
    say(text);
  }

  function announce(text) {
    el.live.textContent = text;
  }

  // ---------------------------------------------------------------------------------------------
  // Playing

  const motion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  let plan = null;
  let state = null; // {started, pausedAt, pausedTotal, skip, index, timer, frame, key, startedAt}

  function show(name) {
    for (const [key, stage] of Object.entries(stages)) if (stage) stage.hidden = key !== name;
  }

  function position(now) {
    return (state.pausedAt === null ? now : state.pausedAt) - state.started - state.pausedTotal + state.skip;
  }

  function segmentAt(pos) {
    const segments = plan.segments;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid].start <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  // The big number (this phase's seconds, or minutes:seconds) and the line under it.
  function counts(segment, pos) {
    const inSegment = Math.ceil((segment.end - pos) / 1000);
    const left = Math.ceil((plan.total - pos) / 1000);
    const rest = fill(ui.left, { time: clock(left) });
    if (data.kind === "pacer") {
      const round = segment.round ? fill(ui.round, { n: segment.round, total: plan.rounds }) : ui.lead_in;
      return [String(inSegment), round + " · " + rest];
    }
    if (data.kind === "guide") {
      return [clock(inSegment), fill(ui.step, { n: segment.n, total: plan.segments.length }) + " · " + rest];
    }
    return [clock(left), ""];
  }

  function enter(segment) {
    el.now.textContent = segment.text;
    el.breath.dataset.mark = segment.kind;
    let words = segment.text;
    const seconds = (segment.end - segment.start) / 1000;
    if (data.kind === "pacer" && Number.isInteger(seconds)) words += ", " + plural(ui.seconds, seconds);
    if (words) announce(words);
    signal(segment.kind, segment.text);
  }

  function tick() {
    if (!state || state.pausedAt !== null) return;
    window.clearTimeout(state.timer);
    const pos = position(performance.now());
    if (pos >= plan.total) {
      finish(true);
      return;
    }
    const index = segmentAt(pos);
    const segment = plan.segments[index];
    if (index !== state.index) {
      state.index = index;
      enter(segment);
    }
    const inSegment = segment.end - pos;
    [el.count.textContent, el.where.textContent] = counts(segment, pos);
    // Next: the end of this segment, or the next whole second of its countdown or of the total.
    const toSecond = inSegment - (Math.ceil(inSegment / 1000) - 1) * 1000;
    const toTotal = plan.total - pos - (Math.ceil((plan.total - pos) / 1000) - 1) * 1000;
    const wait = Math.min(inSegment, toSecond, toTotal);
    state.timer = window.setTimeout(tick, Math.max(1, Math.ceil(wait)));
    if (!state.frame) draw();
  }

  function ease(x) {
    return x < 0.5 ? 2 * x * x : 1 - Math.pow(-2 * x + 2, 2) / 2;
  }

  // The circle grows with the in-breath and shrinks with the out-breath (pacer only).
  function draw() {
    if (!state || data.kind !== "pacer" || (motion && motion.matches)) return;
    state.frame = window.requestAnimationFrame(() => {
      state.frame = 0;
      if (!state || state.pausedAt !== null) return;
      const pos = Math.min(position(performance.now()), plan.total);
      const segment = plan.segments[segmentAt(pos)];
      const share = Math.min(1, Math.max(0, (pos - segment.start) / (segment.end - segment.start)));
      const scale = segment.from + (segment.to - segment.from) * ease(share);
      el.breath.style.setProperty("--breath", scale.toFixed(4));
      draw();
    });
  }

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs a secure context
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function start(event) {
    event.preventDefault();
    savePrefs();
    if (option("sound") && !audio) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (Context) audio = new Context(); // made on the click: browsers allow sound after one
    }
    if (audio && audio.state === "suspended") audio.resume();
    plan = makePlan();
    state = {
      started: performance.now(),
      pausedAt: null,
      pausedTotal: 0,
      skip: 0,
      index: -1,
      timer: 0,
      frame: 0,
      key: uuid(),
      startedAt: new Date().toISOString(),
      before: checkedValue("tension_before"),
    };
    el.breath.style.setProperty("--breath", String(plan.segments[0].from || LOW));
    el.pause.textContent = ui.pause;
    show("run");
    stages.run.scrollIntoView({ block: "start" }); // the circle and the words, not only the buttons
    el.pause.focus({ preventScroll: true });
    tick();
  }

  function pause() {
    if (!state) return;
    const now = performance.now();
    if (state.pausedAt === null) {
      state.pausedAt = now;
      window.clearTimeout(state.timer);
      if ("speechSynthesis" in window) window.speechSynthesis.cancel();
      el.pause.textContent = ui.resume;
      root.classList.add("is-paused");
      announce(ui.paused);
    } else {
      state.pausedTotal += now - state.pausedAt;
      state.pausedAt = null;
      el.pause.textContent = ui.pause;
      root.classList.remove("is-paused");
      announce(ui.resumed);
      state.index = -1; // say where we are again
      tick();
    }
  }

  function nextStep() {
    if (!state) return;
    const pos = position(performance.now());
    const segment = plan.segments[segmentAt(pos)];
    state.skip += segment.end - pos;
    if (state.pausedAt !== null) pause();
    else tick();
  }

  function finish(completed) {
    if (!state) return;
    const now = performance.now();
    const pos = Math.min(position(now), plan.total);
    window.clearTimeout(state.timer);
    if (state.frame) window.cancelAnimationFrame(state.frame);
    state.frame = 0;
    const done = state;
    done.seconds = Math.max(0, Math.round((pos - done.skip) / 1000));
    done.completed = completed;
    state = null;
    root.classList.remove("is-paused");
    if ("speechSynthesis" in window) window.speechSynthesis.cancel();
    el.afterHeading.textContent = completed ? ui.done : ui.stopped;
    el.done.textContent = fill(completed ? ui.done_text : ui.stopped_text, { time: spoken(done.seconds) });
    clearChoice("tension_after");
    el.compare.textContent = "";
    finished = done;
    resetLog();
    keepOnDevice(done);
    show("after");
    el.afterHeading.focus();
    if (completed) {
      signal("end", plan.end || "");
      announce((plan.end ? plan.end + " " : "") + el.done.textContent);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Choices on the page

  function checkedValue(name) {
    const input = root.querySelector(`input[name="${name}"]:checked`);
    return input ? input.value : "";
  }

  function clearChoice(name) {
    for (const input of root.querySelectorAll(`input[name="${name}"]`)) input.checked = false;
  }

  function savePrefs() {
    for (const name of ["sound", "vibrate", "speak"]) prefs[name] = option(name);
    try {
      localStorage.setItem(PREFS, JSON.stringify(prefs));
    } catch (error) {
      // storage off: the choices hold for this page
    }
  }

  // "Save as my own pattern" takes the rhythm as chosen (tempo, rounds) along.
  function updatePatternLink() {
    if (!el.savePattern || data.kind !== "pacer") return;
    const phases = phasesNow();
    const url = new URL(el.savePattern.href, window.location.href);
    const parts = { inhale: 0, hold_in: 0, exhale: 0, hold_out: 0 };
    let out = false;
    for (const p of phases) {
      if (p.phase === "exhale") {
        parts.exhale += p.seconds;
        out = true;
      } else if (p.phase === "inhale") parts.inhale += p.seconds;
      else parts[out ? "hold_out" : "hold_in"] += p.seconds;
    }
    for (const [name, value] of Object.entries(parts)) url.searchParams.set(name, String(value));
    url.searchParams.set("cycles", String(cyclesNow(phases)));
    el.savePattern.href = url.pathname + url.search + url.hash;
  }

  // ---------------------------------------------------------------------------------------------
  // The practice log

  let finished = null;

  function resetLog() {
    if (el.logForm) {
      el.logForm.hidden = false;
      el.logForm.querySelector("button").disabled = false;
    }
    if (el.logStatus) el.logStatus.replaceChildren();
  }

  function fields(done) {
    return [
      ["exercise", data.exercise],
      ["pattern", data.pattern || ""],
      ["seconds", String(done.seconds)],
      ["completed", done.completed ? "1" : "0"],
      ["tension_before", done.before],
      ["tension_after", checkedValue("tension_after")],
      ["client_key", done.key],
      ["started_at", done.startedAt],
    ];
  }

  // -> "saved", "refused" (with reasons), "denied" (403), "signed-out" (401), "offline" (no answer)
  function send(url, pairs) {
    return outbox ? outbox.send(url, pairs) : Promise.resolve({ result: "offline" });
  }

  // A message in a status line, with a link: to the log once saved, or to give consent.
  function status(box, text, link) {
    if (!box) return;
    box.replaceChildren();
    box.classList.toggle("is-ok", link === "log");
    window.setTimeout(() => {
      box.textContent = text; // emptied first, so the same message is announced again
      if (link) {
        const a = document.createElement("a");
        a.href = link === "log" ? data.log_url : data.consent_url;
        a.textContent = link === "log" ? ui.saved_link : ui.give_consent;
        box.append(" ", a);
      }
    }, 50);
  }

  async function submitLog(event) {
    event.preventDefault();
    if (!finished) return;
    const button = el.logForm.querySelector("button");
    button.disabled = true;
    const pairs = fields(finished);
    status(el.logStatus, ui.saving);
    const outcome = navigator.onLine === false ? { result: "offline" } : await send(data.log_url, pairs);
    if (outcome.result === "saved") {
      el.logForm.hidden = true;
      status(el.logStatus, ui.saved, "log");
      finished = null;
    } else if (outcome.result === "offline") {
      if (keep(data.log_url, pairs)) {
        el.logForm.hidden = true;
        status(el.logStatus, ui.kept);
        finished = null;
      } else {
        button.disabled = false;
        status(el.logStatus, ui.not_kept);
      }
    } else {
      button.disabled = outcome.result !== "refused";
      const reason = {
        refused: fill(ui.refused, { reason: outcome.reason }),
        denied: outcome.reason || ui.no_consent,
        "signed-out": ui.signed_out,
      }[outcome.result];
      status(el.logStatus, reason, outcome.result === "denied" ? "consent" : "");
    }
  }

  // --- Sessions kept on this device (core/outbox.js), sent once the connection returns

  function keep(url, pairs) {
    const key = pairs.find(([name]) => name === "client_key")[1];
    return Boolean(outbox) && outbox.keep("practice", { key, url, fields: pairs });
  }

  // --- A visitor's practice, kept on this device (kept.js) until they sign in and save it

  function keepOnDevice(done) {
    const kept = window.lijfwijsKept;
    if (!el.keptNote || !kept) return;
    el.keptNote.hidden = !kept.keep({ key: done.key, fields: fields(done) });
    el.keptNote.querySelector("button").hidden = false;
    const text = el.keptNote.querySelector("[data-kept-note-text]");
    text.dataset.kept = text.dataset.kept || text.textContent; // after an earlier "forget"
    text.textContent = text.dataset.kept;
  }

  function forgetOnDevice() {
    if (!finished || !window.lijfwijsKept) return;
    window.lijfwijsKept.forget(finished.key);
    el.keptNote.querySelector("[data-kept-note-text]").textContent = el.keptNote.dataset.forgotten;
    el.keptNote.querySelector("button").hidden = true;
  }

  // What the outbox sent or refused of the sessions kept here.
  window.addEventListener("lijfwijs:outbox", (event) => {
    const sent = event.detail.sent.practice || 0;
    for (const reason of event.detail.reasons.practice || []) {
      status(el.outboxStatus, fill(ui.refused, { reason })); // it never will be stored: said once
    }
    if (sent) status(el.outboxStatus, sent === 1 ? ui.sent_one : fill(ui.sent_many, { count: sent }), "log");
  });

  // ---------------------------------------------------------------------------------------------

  function init() {
    for (const label of root.querySelectorAll("[data-needs]")) {
      const needs = label.dataset.needs;
      const supported = needs === "vibrate" ? "vibrate" in navigator : "speechSynthesis" in window;
      if (!supported) label.hidden = true;
    }
    for (const box of root.querySelectorAll("[data-option]")) {
      box.checked = Boolean(prefs[box.dataset.option]) && !box.closest("[hidden]");
    }
    el.setup.addEventListener("submit", start);
    el.setup.addEventListener("change", updatePatternLink);
    el.pause.addEventListener("click", pause);
    el.stop.addEventListener("click", () => finish(false));
    if (el.next) el.next.addEventListener("click", nextStep);
    el.again.addEventListener("click", () => {
      finished = null;
      clearChoice("tension_before");
      show("intro");
      el.start.focus();
    });
    root.addEventListener("change", (event) => {
      if (event.target.name !== "tension_after" || !finished || finished.before === "") return;
      el.compare.textContent = fill(ui.compare, { before: finished.before, after: event.target.value });
    });
    root.addEventListener("change", (event) => {
      if (event.target.name !== "tension_after" || !finished || !el.keptNote || !window.lijfwijsKept) return;
      window.lijfwijsKept.update(finished.key, "tension_after", event.target.value);
    });
    if (el.keptNote) el.keptNote.querySelector("button").addEventListener("click", forgetOnDevice);
    if (el.logForm) el.logForm.addEventListener("submit", submitLog);
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) tick(); // back from the background: the right phase at once
    });
    updatePatternLink();
    show("intro");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

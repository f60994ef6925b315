/* Lijfwijs outbox: what was made without a connection (check-ins, practice sessions), kept on this
 * device and sent once the connection returns. One store and one sender for the check-in page
 * (checkin.js) and the players (player.js); loaded on every page, before them.
 *
 * Exactly once: an item keeps the client_key it was made with on every attempt, and the server
 * stores one check-in or session per (person, client_key). An item leaves this device only after
 * the server's answer shows it was stored; in doubt it stays and is sent again, with the same key.
 * One sending round at a time per page (and per browser, through a Web Lock), so `online` firing
 * twice sends once. After a round, a "lijfwijs:outbox" event on window says what was sent and
 * refused, per kind; the pages say it in their own words.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  const account = (script && script.dataset.account) || "";
  const STORE = "lijfwijs.outbox.v1";
  const OLD_PRACTICE = "lijfwijs.practice.v1"; // the players' own store before there was one
  const TIMEOUT_MS = 20000;
  // A refused check-in stays, to be put back in the form; a refused session never will be stored.
  const KEEP_REFUSED = { checkin: true, practice: false };

  function kindOf(item) {
    return item.kind || "checkin"; // check-ins were kept before items had a kind
  }

  function load() {
    try {
      const items = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (error) {
      return [];
    }
  }

  // Read, change and write in one go (no await in between), so no other change is overwritten.
  function update(change) {
    window.localStorage.setItem(STORE, JSON.stringify(change(load())));
  }

  function items(kind) {
    if (!account) return [];
    return load().filter((i) => i.account === account && (!kind || kindOf(i) === kind));
  }

  function keep(kind, item) {
    if (!account) return false;
    const kept = { ...item, kind, account, savedAt: new Date().toISOString(), state: "waiting" };
    try {
      update((all) =>
        all.filter((i) => !(i.account === account && i.key === item.key)).concat([kept])
      );
      return true;
    } catch (error) {
      return false; // storage switched off or full
    }
  }

  function forget(key) {
    try {
      update((all) => all.filter((i) => !(i.account === account && i.key === key)));
    } catch (error) {
      // storage switched off: nothing was kept either
    }
  }

  function mark(key, state) {
    update((all) =>
      all.map((i) => (i.account === account && i.key === key ? { ...i, state } : i))
    );
  }

  // Practice sessions kept in the players' old store move here once.
  function moveOld() {
    try {
      const old = JSON.parse(window.localStorage.getItem(OLD_PRACTICE) || "[]");
      if (Array.isArray(old) && old.length) {
        const moved = old.map((i) => ({ ...i, kind: "practice", state: "waiting" }));
        update((all) => all.concat(moved.filter((m) => !all.some((i) => i.key === m.key))));
      }
      window.localStorage.removeItem(OLD_PRACTICE);
    } catch (error) {
      // storage switched off: nothing to move
    }
  }

  function csrfToken() {
    const cookie = document.cookie.match(/(?:^|;\s*)(?:__Host-)?csrftoken=([^;]+)/);
    if (cookie) return decodeURIComponent(cookie[1]); // current even in a page from the cache
    const input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function pathOf(url) {
    return new URL(url, window.location.href).pathname;
  }

  function timeout() {
    return typeof AbortSignal.timeout === "function" ? AbortSignal.timeout(TIMEOUT_MS) : undefined;
  }

  // POST form fields -> {result: "saved" | "refused" | "denied" | "signed-out" | "offline", reason}.
  // Saved: a JSON answer {saved: true}, or the redirect to `done` that a page makes when stored.
  // "offline" is also a server in trouble or a sign-in page: kept, and tried again later.
  async function send(url, pairs, done) {
    const body = new URLSearchParams(pairs);
    body.set("csrfmiddlewaretoken", csrfToken());
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        redirect: "follow",
        signal: timeout(),
      });
    } catch (error) {
      return { result: "offline" };
    }
    if (done && response.redirected && pathOf(response.url) === pathOf(done)) {
      return { result: "saved" };
    }
    let answer = {};
    if ((response.headers.get("Content-Type") || "").includes("json")) {
      try {
        answer = (await response.json()) || {};
      } catch (error) {
        answer = {};
      }
    }
    if ((response.status === 200 || response.status === 201) && answer.saved) {
      return { result: "saved" };
    }
    if (response.status === 422) {
      return { result: "refused", reason: Object.values(answer.errors || {}).join(" ") };
    }
    if (response.status === 403) return { result: "denied", reason: answer.detail || "" };
    if (response.status === 401) return { result: "signed-out" };
    return { result: "offline" };
  }

  // Send what waits, one at a time, in the order it was made.
  async function round() {
    const tried = new Set();
    const outcome = { sent: {}, refused: {}, reasons: {} };
    for (;;) {
      const item = items().find((i) => (i.state || "waiting") === "waiting" && !tried.has(i.key));
      if (!item) break;
      tried.add(item.key);
      const kind = kindOf(item);
      const answer = await send(item.url || item.action, item.fields, item.done);
      if (answer.result === "saved") {
        forget(item.key); // stored (now or by an earlier attempt with the same key)
        outcome.sent[kind] = (outcome.sent[kind] || 0) + 1;
      } else if (answer.result === "refused") {
        if (KEEP_REFUSED[kind]) mark(item.key, "rejected");
        else forget(item.key);
        outcome.refused[kind] = (outcome.refused[kind] || 0) + 1;
        outcome.reasons[kind] = (outcome.reasons[kind] || []).concat([answer.reason || ""]);
      } else {
        break; // no connection, signed out, no consent: everything stays for the next time
      }
    }
    window.dispatchEvent(new CustomEvent("lijfwijs:outbox", { detail: outcome }));
  }

  let sending = null;

  function flush() {
    if (!account || navigator.onLine === false) return Promise.resolve();
    if (!items().some((i) => (i.state || "waiting") === "waiting")) return Promise.resolve();
    if (!sending) {
      const once = navigator.locks
        ? navigator.locks.request(STORE, { ifAvailable: true }, (lock) => lock && round())
        : round();
      sending = Promise.resolve(once)
        .catch(() => {})
        .finally(() => {
          sending = null;
        });
    }
    return sending;
  }

  window.lijfwijsOutbox = { STORE, account, items, keep, forget, send, flush, csrfToken };

  if (account) {
    moveOld();
    // After the pages' scripts (deferred, like this one) have set up their listeners.
    const start = () => {
      flush();
      window.addEventListener("online", flush);
      window.setInterval(flush, 60000);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();

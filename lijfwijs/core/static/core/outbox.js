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
 *
 * Encrypted at rest: what an item holds (its form fields: pain, tags, a note) is stored only
 * encrypted with AES-GCM, under the account's own key (GET /outbox-key, derived on the server).
 * The key is kept in IndexedDB as a key that cannot be read out, only while that account is the one
 * signed in here: a page of nobody or of another account deletes it, and so does signing out. What
 * still waits then cannot be read on this device, and is sent when the same person signs in again.
 *
 * Signing out (a form with data-logout): with something still waiting, the person is asked first
 * and can send it, sign out anyway (it stays, encrypted) or stay. Signing out also deletes the
 * pages the service worker kept for this account and the key.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  const account = (script && script.dataset.account) || "";
  const STORE = "lijfwijs.outbox.v1";
  const OLD_PRACTICE = "lijfwijs.practice.v1"; // the players' own store before there was one
  const KEY_URL = "/outbox-key"; // core.views.outbox_key, outside the language prefix
  const KEY_DB = "lijfwijs-outbox";
  const TIMEOUT_MS = 20000;
  // A refused check-in stays, to be put back in the form; a refused session never will be stored.
  const KEEP_REFUSED = { checkin: true, practice: false };
  const lang = document.documentElement.lang === "en" ? "en" : "nl";

  const TEXT = {
    nl: {
      title: "Er wacht nog iets op verzending",
      waiting: (n) => (n.checkin ? plural(n.checkin, "check-in", "check-ins") : ""),
      sessions: (n) => (n.practice ? plural(n.practice, "oefensessie", "oefensessies") : ""),
      and: " en ",
      onDevice: (what, total) => `Op dit apparaat ${total === 1 ? "wacht" : "wachten"} nog ${what}.`,
      kept: "Log je nu uit, dan blijft dit versleuteld op dit apparaat staan: niemand anders kan het lezen. Het wordt verstuurd als je hier weer inlogt.",
      sendFirst: "Eerst versturen, dan uitloggen",
      signOutAnyway: "Toch uitloggen",
      cancel: "Annuleren",
      sending: "Bezig met versturen…",
      notAll: "Niet alles kon worden verstuurd: er is geen verbinding, of iets is niet aangenomen (dat zie je in je dagboek).",
      offline: "Je hebt nu geen verbinding. Uitloggen kan pas als je weer verbinding hebt; tot dan blijf je ingelogd.",
      close: "Sluiten",
    },
    en: {
      title: "Something is still waiting to be sent",
      waiting: (n) => (n.checkin ? plural(n.checkin, "check-in", "check-ins") : ""),
      sessions: (n) => (n.practice ? plural(n.practice, "practice session", "practice sessions") : ""),
      and: " and ",
      onDevice: (what, total) => `${what} still ${total === 1 ? "waits" : "wait"} on this device.`,
      kept: "If you sign out now, it stays on this device, encrypted: nobody else can read it. It is sent when you sign in here again.",
      sendFirst: "Send first, then sign out",
      signOutAnyway: "Sign out anyway",
      cancel: "Cancel",
      sending: "Sending…",
      notAll: "Not everything could be sent: there is no connection, or something was not accepted (you can see it in your diary).",
      offline: "You have no connection now. You can sign out once you are connected again; until then you stay signed in.",
      close: "Close",
    },
  }[lang];

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
  }

  function kindOf(item) {
    return item.kind || "checkin"; // check-ins were kept before items had a kind
  }

  // ---------------------------------------------------------------------------------------------
  // The store (localStorage): items with their fields sealed

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

  function stored(kind) {
    if (!account) return [];
    return load().filter((i) => i.account === account && (!kind || kindOf(i) === kind));
  }

  // The account's items with their fields readable (an item this key cannot open is left out).
  async function items(kind) {
    const found = stored(kind);
    if (!found.some((i) => i.sealed)) return found;
    const key = await keyReady();
    const open = [];
    for (const item of found) {
      if (!item.sealed) {
        open.push(item);
        continue;
      }
      if (!key) continue;
      try {
        open.push({ ...item, fields: await unseal(key, item) });
      } catch (error) {
        // sealed under another key (the server's secret changed): it cannot be read any more
      }
    }
    return open;
  }

  // Keep an item; resolves to whether it was kept. Its fields are sealed before they are written;
  // only without a key yet (signed in and offline before the key came) are they written as they
  // are, and sealed as soon as the key is here.
  async function keep(kind, item) {
    if (!account) return false;
    const { fields, ...rest } = item;
    const kept = { ...rest, kind, account, savedAt: new Date().toISOString(), state: "waiting" };
    const key = await keyReady();
    try {
      if (key) kept.sealed = await seal(key, kept.key, fields);
      else kept.fields = fields;
    } catch (error) {
      kept.fields = fields;
    }
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

  // Practice sessions kept in the players' old store move here once (sealed afterwards).
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

  // ---------------------------------------------------------------------------------------------
  // The account's key: AES-GCM, from the server, kept in IndexedDB only while signed in

  function base64(bytes) {
    return btoa(String.fromCharCode(...new Uint8Array(bytes)));
  }

  function bytesOf(text) {
    const plain = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(plain, (c) => c.charCodeAt(0));
  }

  function bound(itemKey) {
    return new TextEncoder().encode(account + ":" + itemKey); // a sealed item stays with its key
  }

  async function seal(key, itemKey, fields) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = new TextEncoder().encode(JSON.stringify(fields));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: bound(itemKey) },
      key,
      data
    );
    return base64(iv) + "." + base64(sealed);
  }

  async function unseal(key, item) {
    const [iv, data] = item.sealed.split(".").map(bytesOf);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: bound(item.key) },
      key,
      data
    );
    return JSON.parse(new TextDecoder().decode(plain));
  }

  function request(result) {
    return new Promise((resolve, reject) => {
      result.onsuccess = () => resolve(result.result);
      result.onerror = () => reject(result.error);
    });
  }

  async function keyStore(mode) {
    const open = indexedDB.open(KEY_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore("keys", { keyPath: "account" });
    const db = await request(open);
    return db.transaction("keys", mode).objectStore("keys");
  }

  // No key of anyone stays on this device (sign-out, or a page of nobody).
  async function forgetKeys() {
    try {
      if (indexedDB.databases && !(await indexedDB.databases()).some((d) => d.name === KEY_DB)) {
        return; // never made here: none made now either
      }
      await request((await keyStore("readwrite")).clear());
    } catch (error) {
      // no IndexedDB here: no key was kept either
    }
  }

  async function fetchKey() {
    if (!window.crypto || !crypto.subtle || navigator.onLine === false) return null;
    let answer;
    try {
      const response = await fetch(KEY_URL, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
        signal: timeout(),
      });
      if (!response.ok) return null;
      answer = await response.json();
    } catch (error) {
      return null;
    }
    if (!answer || answer.account !== account || typeof answer.key !== "string") return null;
    return crypto.subtle.importKey("raw", bytesOf(answer.key), "AES-GCM", false, [
      "encrypt",
      "decrypt",
    ]);
  }

  async function loadKey() {
    if (!account) {
      await forgetKeys();
      return null;
    }
    try {
      const kept = await request((await keyStore("readonly")).get(account));
      if (kept && kept.key) return kept.key;
    } catch (error) {
      // no IndexedDB: the key is fetched for this page only
    }
    const key = await fetchKey();
    if (!key) return null;
    try {
      const store = await keyStore("readwrite");
      await request(store.clear()); // only one account's key on a device
      await request(store.put({ account, key }));
    } catch (error) {
      // not kept: fetched again on the next page
    }
    return key;
  }

  let keyPromise = null;

  function keyReady() {
    if (!keyPromise) {
      keyPromise = loadKey().then((key) => {
        if (!key) keyPromise = null; // try again later (when online)
        return key;
      }, () => {
        keyPromise = null;
        return null;
      });
    }
    return keyPromise;
  }

  // Items written before there was a key (or before items were encrypted) are sealed now.
  async function sealOpenItems() {
    if (!stored().some((i) => i.fields && !i.sealed)) return;
    const key = await keyReady();
    if (!key) return;
    for (const item of stored().filter((i) => i.fields && !i.sealed)) {
      const sealed = await seal(key, item.key, item.fields);
      update((all) =>
        all.map((i) => {
          if (i.account !== account || i.key !== item.key || !i.fields) return i;
          const { fields, ...rest } = i;
          return { ...rest, sealed };
        })
      );
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

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
      const waiting = (await items()).filter((i) => (i.state || "waiting") === "waiting");
      const item = waiting.find((i) => !tried.has(i.key));
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
    if (!stored().some((i) => (i.state || "waiting") === "waiting")) return Promise.resolve();
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

  // ---------------------------------------------------------------------------------------------
  // Signing out

  // Nothing of this account stays readable here: the kept pages and the key go.
  async function leaveDevice() {
    const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage({ type: "forget" });
    const work = [forgetKeys()];
    if (window.caches) {
      const names = await caches.keys().catch(() => []);
      for (const name of names) {
        if (/^lijfwijs-(?:pages|app)-|^lijfwijs-state$/.test(name)) work.push(caches.delete(name));
      }
    }
    await Promise.all(work.map((w) => Promise.resolve(w).catch(() => {})));
  }

  function counts() {
    const n = { checkin: 0, practice: 0 };
    for (const item of stored()) n[kindOf(item)] = (n[kindOf(item)] || 0) + 1;
    return n;
  }

  function describeWaiting(n) {
    const what = [TEXT.waiting(n), TEXT.sessions(n)].filter(Boolean).join(TEXT.and);
    return TEXT.onDevice(what, n.checkin + n.practice);
  }

  async function signOut(form) {
    await leaveDevice();
    HTMLFormElement.prototype.submit.call(form); // no submit event: not asked again
  }

  function dialog(form) {
    const box = document.createElement("dialog");
    box.className = "logout-dialog stack";
    box.setAttribute("aria-labelledby", "logout-dialog-title");
    box.setAttribute("aria-describedby", "logout-dialog-text");
    const title = document.createElement("h2");
    title.id = "logout-dialog-title";
    const text = document.createElement("p");
    text.id = "logout-dialog-text";
    const more = document.createElement("p");
    more.className = "muted";
    const status = document.createElement("p");
    status.setAttribute("role", "status");
    const buttons = document.createElement("div");
    buttons.className = "logout-dialog-buttons";
    // (set through the CSSOM, which the site's CSP allows; the dialog appears on any page)
    box.style.maxWidth = "min(34rem, calc(100vw - 2rem))";
    Object.assign(buttons.style, { display: "flex", flexWrap: "wrap", gap: "var(--space-2, 0.5rem)" });
    box.append(title, text, more, status, buttons);
    box.addEventListener("close", () => box.remove());

    function button(label, kind, action) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "button" + (kind ? " " + kind : "");
      b.textContent = label;
      b.addEventListener("click", action);
      return b;
    }

    function show() {
      const n = counts();
      title.textContent = TEXT.title;
      text.textContent = describeWaiting(n);
      more.textContent = TEXT.kept;
      buttons.replaceChildren(
        button(TEXT.sendFirst, "", sendFirst),
        button(TEXT.signOutAnyway, "button-secondary", () => signOut(form)),
        button(TEXT.cancel, "button-quiet", () => box.close())
      );
    }

    async function sendFirst() {
      if (navigator.onLine === false) {
        status.textContent = TEXT.offline;
        return;
      }
      for (const b of buttons.querySelectorAll("button")) b.disabled = true;
      status.textContent = TEXT.sending;
      await sealOpenItems().catch(() => {});
      await flush();
      if (!stored().length) {
        await signOut(form);
        return;
      }
      show();
      status.textContent = TEXT.notAll;
    }

    document.body.append(box);
    show();
    box.showModal();
  }

  function offlineNotice() {
    const box = document.createElement("dialog");
    box.className = "logout-dialog stack";
    box.setAttribute("aria-labelledby", "logout-dialog-text");
    const text = document.createElement("p");
    text.id = "logout-dialog-text";
    text.textContent = TEXT.offline;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "button";
    close.textContent = TEXT.close;
    close.addEventListener("click", () => box.close());
    box.append(text, close);
    box.addEventListener("close", () => box.remove());
    document.body.append(box);
    box.showModal();
  }

  function guardSignOut() {
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.matches("form[data-logout]")) return;
      event.preventDefault();
      if (navigator.onLine === false) offlineNotice(); // the server must end the session
      else if (stored().length) dialog(form);
      else signOut(form);
    });
  }

  // ---------------------------------------------------------------------------------------------

  // ready(): whether this device has the account's key (so what is kept now is encrypted)
  const ready = () => keyReady().then(Boolean);
  window.lijfwijsOutbox = { STORE, account, items, stored, keep, forget, send, flush, csrfToken, ready };

  // The service worker keeps pages for the account of the page (and deletes anyone else's).
  if (navigator.serviceWorker && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage({ type: "account", account });
  }

  if (!account) {
    forgetKeys(); // nobody signed in: no key of anyone stays
    return;
  }
  moveOld();
  keyReady().then(() => sealOpenItems()).catch(() => {});
  const start = () => {
    guardSignOut();
    flush();
    window.addEventListener("online", () => {
      keyReady().then(() => sealOpenItems()).catch(() => {});
      flush();
    });
    window.setInterval(flush, 60000);
  };
  // After the pages' scripts (deferred, like this one) have set up their listeners.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

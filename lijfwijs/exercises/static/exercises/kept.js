/*
 * Practices done before having an account (a visitor using a player), kept on this device only,
 * and offered for saving once the person is signed in.
 *
 * The player keeps a finished practice here (localStorage, the same fields it would send to the
 * practice log, with the client_key made at its start). A page with an offer
 * ([data-kept-offer], its words in the page) shows how many wait: signed in with consent, "Bewaren"
 * sends each through the outbox's sender to the practice log (the client_key makes a resend store
 * one session) and removes what the log took; "Niet bewaren" removes them all. Practices older
 * than the log accepts (7 days) are dropped unasked.
 */
(() => {
  "use strict";

  const STORE = "lijfwijs-visitor-practice";
  const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000 - 60 * 60 * 1000; // the log takes up to 7 days back

  function fresh(item) {
    return (
      item &&
      typeof item.key === "string" &&
      Array.isArray(item.fields) &&
      Date.now() - (Number(item.kept) || 0) < MAX_AGE_MS
    );
  }

  function read() {
    let list = [];
    try {
      list = JSON.parse(localStorage.getItem(STORE) || "[]");
    } catch (error) {
      list = [];
    }
    return Array.isArray(list) ? list.filter(fresh) : [];
  }

  function write(list) {
    try {
      if (list.length) localStorage.setItem(STORE, JSON.stringify(list));
      else localStorage.removeItem(STORE);
      return true;
    } catch (error) {
      return false; // storage off or full: nothing is kept
    }
  }

  // Keep (or replace) one practice: {key, fields: [[name, value], ...]}.
  function keep(item) {
    const list = read().filter((i) => i.key !== item.key);
    list.push({ key: item.key, fields: item.fields, kept: Date.now() });
    return write(list);
  }

  function update(key, name, value) {
    const list = read();
    const item = list.find((i) => i.key === key);
    if (!item) return false;
    item.fields = item.fields.map(([n, v]) => [n, n === name ? value : v]);
    return write(list);
  }

  function forget(key) {
    return write(key ? read().filter((i) => i.key !== key) : []);
  }

  window.lijfwijsKept = { STORE, read, keep, update, forget };

  // ---------------------------------------------------------------------------------------------
  // The offer

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (all, name) => (name in values ? String(values[name]) : all));
  }

  function offer(box) {
    const text = box.querySelector("[data-kept-text]");
    const status = box.querySelector("[data-kept-status]");
    const actions = box.querySelector("[data-kept-actions]");
    const save = box.querySelector("[data-kept-save]");
    const drop = box.querySelector("[data-kept-forget]");
    const logUrl = box.dataset.logUrl;

    function describe() {
      const count = read().length;
      if (!count) return false;
      text.textContent = fill(count === 1 ? text.dataset.one : text.dataset.many, { count });
      return true;
    }

    function say(words, link) {
      status.replaceChildren();
      window.setTimeout(() => {
        status.textContent = words; // emptied first, so the same words are announced again
        if (link) {
          const a = document.createElement("a");
          a.href = logUrl;
          a.textContent = box.dataset.linkText;
          status.append(" ", a);
        }
      }, 50);
    }

    if (!describe()) return;
    box.hidden = false;

    if (drop) {
      drop.addEventListener("click", () => {
        forget();
        if (actions) actions.hidden = true;
        text.textContent = box.dataset.forgotten;
      });
    }
    if (!save) return;
    save.addEventListener("click", async () => {
      const outbox = window.lijfwijsOutbox;
      if (!outbox || navigator.onLine === false) {
        say(box.dataset.offline);
        return;
      }
      for (const b of actions.querySelectorAll("button")) b.disabled = true;
      say(box.dataset.saving);
      let saved = 0;
      const refused = [];
      let stop = "";
      for (const item of read()) {
        const outcome = await outbox.send(logUrl, item.fields);
        if (outcome.result === "saved") {
          forget(item.key);
          saved += 1;
        } else if (outcome.result === "refused") {
          forget(item.key); // the log will never take it: not offered again
          refused.push(outcome.reason);
        } else {
          stop = outcome.result;
          break;
        }
      }
      if (stop) {
        for (const b of actions.querySelectorAll("button")) b.disabled = false;
        describe();
        const words = { denied: box.dataset.denied, "signed-out": box.dataset.signedOut };
        say(words[stop] || box.dataset.offline);
        return;
      }
      actions.hidden = true;
      text.textContent = fill(saved === 1 ? box.dataset.savedOne : box.dataset.savedMany, {
        count: saved,
      });
      say(refused.length ? fill(box.dataset.refused, { reason: refused.join(" ") }) : "", saved > 0);
    });
  }

  function init() {
    for (const box of document.querySelectorAll("[data-kept-offer]")) offer(box);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

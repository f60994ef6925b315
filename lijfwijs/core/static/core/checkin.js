/* Lijfwijs check-in, on top of pages that work without it:
 *  - registers the service worker (/sw.js) that keeps the app shell for use without a connection;
 *  - the body map: a tap on a zone switches that region on and puts the focus on its slider;
 *  - a check-in made without a connection is kept on this device with its client_key (outbox.js,
 *    which sends it once the connection returns, and keeps it encrypted), and listed on the diary
 *    pages;
 *  - the day and time of a new check-in follow the account's time zone (data-tz), also in a form
 *    the service worker kept from an earlier day, and after a check-in was kept offline;
 *  - Enter in a text field saves the check-in (never "same tags as yesterday").
 *
 * Exactly once: a check-in gets one client_key when it is made and keeps it on every attempt; the
 * server stores one check-in per (person, client_key) (diary.services.save_checkin and a unique
 * constraint).
 */
(() => {
  "use strict";

  const script = document.currentScript;
  const config = (script && script.dataset) || {};
  const account = config.account || "";
  const zone = config.tz || undefined; // the account's time zone; the device's without one
  const lang = document.documentElement.lang === "en" ? "en" : "nl";
  const outbox = window.lijfwijsOutbox;
  const TIMEOUT_MS = 20000;

  const TEXT = {
    nl: {
      kept: "Je check-in is op dit apparaat bewaard en wordt verstuurd zodra je weer verbinding hebt.",
      sentOne: "Je bewaarde check-in is verstuurd.",
      sentMany: "Je bewaarde check-ins ({n}) zijn verstuurd.",
      rejected: "Een bewaarde check-in is niet aangenomen. Zet hem terug in het formulier en kijk hem na.",
      restored: "De check-in staat weer in het formulier. Kijk hem na en bewaar hem opnieuw.",
      needsConnection: "Daarvoor is verbinding nodig. Je check-in zelf kun je wel bewaren.",
      notKept: "Je check-in kon niet op dit apparaat worden bewaard.",
      title: "Check-ins op dit apparaat",
      waiting: "wacht op verbinding",
      notAccepted: "niet aangenomen",
      pain: "pijn",
      restore: "Terugzetten in het formulier",
      discard: "Weggooien",
      confirmDiscard: "Deze check-in weggooien? Hij is nog niet verstuurd.",
      view: "Bekijk je dagboek",
      painHere: "pijn hier",
      howMuch: "hoeveel pijn, van 0 tot 10",
      today: "Vandaag",
      yesterday: "Gisteren",
    },
    en: {
      kept: "Your check-in is kept on this device and will be sent as soon as you are connected again.",
      sentOne: "Your kept check-in has been sent.",
      sentMany: "Your kept check-ins ({n}) have been sent.",
      rejected: "A kept check-in was not accepted. Put it back in the form and check it.",
      restored: "The check-in is back in the form. Check it and save it again.",
      needsConnection: "This needs a connection. You can still save your check-in itself.",
      notKept: "Your check-in could not be kept on this device.",
      title: "Check-ins on this device",
      waiting: "waiting for a connection",
      notAccepted: "not accepted",
      pain: "pain",
      restore: "Put back in the form",
      discard: "Discard",
      confirmDiscard: "Discard this check-in? It has not been sent yet.",
      view: "See your diary",
      painHere: "pain here",
      howMuch: "how much pain, from 0 to 10",
      today: "Today",
      yesterday: "Yesterday",
    },
  }[lang];

  document.documentElement.classList.add("js");

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs a secure context
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function timeout() {
    return typeof AbortSignal.timeout === "function" ? AbortSignal.timeout(TIMEOUT_MS) : undefined;
  }

  function valueOf(pairs, name) {
    const pair = pairs.find(([key]) => key === name);
    return pair ? pair[1] : "";
  }

  function encode(pairs, token) {
    const body = new URLSearchParams(pairs);
    body.set("csrfmiddlewaretoken", token);
    return body;
  }

  // ---------------------------------------------------------------------------------------------
  // The body map and the region sliders

  const LEVELS = Array.from({ length: 11 }, (_, n) => "zone-p" + n);
  const regions = new Map(); // code -> {li, input, toggle, output, zone, plain, fresh}

  function regionValue(row) {
    const value = row.input.value.trim();
    if (row.plain) return /^(10|[0-9])$/.test(value) ? value : null;
    return row.toggle.checked ? value : null;
  }

  function paint(row) {
    if (!row.zone) return;
    const value = regionValue(row);
    row.zone.classList.remove("zone-on", ...LEVELS);
    if (value !== null) row.zone.classList.add("zone-on", "zone-p" + value);
  }

  function sync(row) {
    if (!row.plain) {
      const on = row.toggle.checked;
      row.input.disabled = !on; // a disabled field is not sent: the region stays "not set"
      row.li.classList.toggle("is-on", on);
      row.output.textContent = on ? row.input.value : "";
    }
    paint(row);
  }

  function overallPain(form) {
    const checked = form.querySelector('input[name="pain"]:checked');
    return checked ? checked.value : "";
  }

  function enhanceRegions(form) {
    const map = form.querySelector("[data-body-map]");
    for (const li of form.querySelectorAll("li.region[data-region]")) {
      const input = li.querySelector('input[type="number"]');
      const label = input && li.querySelector(`label[for="${input.id}"]`);
      if (!input || !label) continue;
      const code = li.dataset.region;
      const zone = map ? map.querySelector(`[data-region="${code}"]`) : null;
      const typed = input.value.trim();
      const row = { li, input, zone, plain: false, fresh: typed === "" };
      regions.set(code, row);
      // What the server refused stays a plain number field, so nothing typed is changed.
      if (li.classList.contains("has-error") || !/^(10|[0-9])?$/.test(typed)) {
        row.plain = true;
        input.addEventListener("input", () => paint(row));
        paint(row);
        continue;
      }
      const name = label.textContent.trim();
      const toggle = document.createElement("input");
      toggle.type = "checkbox";
      toggle.id = input.id + "_on";
      toggle.className = "region-toggle";
      toggle.checked = toggle.defaultChecked = typed !== "";
      const toggleLabel = document.createElement("label");
      toggleLabel.htmlFor = toggle.id;
      toggleLabel.className = "region-name";
      toggleLabel.textContent = name;
      toggle.setAttribute("aria-label", name + ": " + TEXT.painHere); // starts with the visible name
      label.textContent = name + ": " + TEXT.howMuch;
      label.classList.add("visually-hidden", "region-slider-label");
      input.type = "range";
      input.step = "1";
      input.removeAttribute("inputmode");
      input.classList.add("region-slider");
      if (typed !== "") input.value = typed;
      const output = document.createElement("output");
      output.setAttribute("for", input.id);
      output.setAttribute("aria-hidden", "true"); // the slider says its own value
      output.className = "region-value";
      label.before(toggle, toggleLabel);
      input.after(output);
      li.classList.add("is-enhanced");
      Object.assign(row, { toggle, output });
      toggle.addEventListener("change", () => {
        if (toggle.checked && row.fresh) {
          input.value = overallPain(form) || "5"; // start from the overall pain
          row.fresh = false;
        }
        sync(row);
      });
      input.addEventListener("input", () => sync(row));
      sync(row);
    }
    form.addEventListener("reset", () => {
      window.setTimeout(() => regions.forEach(sync), 0); // after the browser reset the fields
    });
    if (map) {
      map.addEventListener("click", (event) => {
        const zone = event.target.closest("[data-region]");
        const row = zone && regions.get(zone.dataset.region);
        if (!row) return;
        if (!row.plain) {
          row.toggle.checked = !row.toggle.checked;
          row.toggle.dispatchEvent(new Event("change", { bubbles: true }));
          if (!row.toggle.checked) return;
        }
        row.input.focus();
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Check-ins kept on this device

  function mine() {
    return outbox ? outbox.items("checkin") : Promise.resolve([]);
  }

  function forget(key) {
    if (outbox) outbox.forget(key);
  }

  async function keep(form, pairs) {
    const item = {
      key: valueOf(pairs, "client_key"),
      url: form.action,
      done: form.dataset.done,
      fields: pairs,
    };
    return Boolean(outbox) && (await outbox.keep("checkin", item));
  }

  // The status line (aria-live) and the list, on the check-in page and the other diary pages.
  function statusBox(create) {
    let box = document.querySelector("[data-outbox]");
    const diary = config.diary && window.location.pathname.startsWith(config.diary);
    if (!box && create && diary) {
      box = document.createElement("div");
      box.className = "outbox";
      box.dataset.outbox = "";
      const status = document.createElement("p");
      status.className = "outbox-status";
      status.setAttribute("role", "status");
      status.dataset.outboxStatus = "";
      const list = document.createElement("div");
      list.dataset.outboxList = "";
      box.append(status, list);
      const main = document.querySelector("main");
      const heading = main && main.querySelector("h1");
      if (heading) heading.after(box);
      else if (main) main.prepend(box);
      else return null;
    }
    return box;
  }

  function say(message, tone, link) {
    const box = statusBox(true);
    const status = box && box.querySelector("[data-outbox-status]");
    if (!status) return;
    status.textContent = ""; // emptied first, so the same message is announced again
    status.classList.toggle("is-ok", tone === "ok");
    window.setTimeout(() => {
      status.textContent = message;
      if (link) {
        const a = document.createElement("a");
        a.href = link;
        a.textContent = TEXT.view;
        status.append(" ", a);
      }
    }, 50);
  }

  function describe(item) {
    const day = valueOf(item.fields, "day");
    const when = /^\d{4}-\d{2}-\d{2}$/.test(day)
      ? new Date(day + "T12:00:00Z").toLocaleDateString(lang === "en" ? "en-GB" : "nl-NL", {
          weekday: "short",
          day: "numeric",
          month: "short",
          timeZone: "UTC",
        })
      : day;
    const pain = valueOf(item.fields, "pain");
    return `${when}, ${valueOf(item.fields, "time")} · ${TEXT.pain} ${pain === "" ? "–" : pain}`;
  }

  let rendering = Promise.resolve();

  // One listing at a time, in the order asked (reading the kept check-ins takes a moment).
  function render() {
    rendering = rendering.then(renderNow, renderNow);
    return rendering;
  }

  async function renderNow() {
    const items = await mine();
    const box = statusBox(items.length > 0);
    const list = box && box.querySelector("[data-outbox-list]");
    if (!list) return;
    list.replaceChildren();
    if (!items.length) return;
    const form = document.querySelector("form[data-offline]");
    const heading = document.createElement("h2");
    heading.textContent = TEXT.title;
    const ul = document.createElement("ul");
    ul.className = "outbox-list";
    for (const item of items) {
      const li = document.createElement("li");
      const what = document.createElement("span");
      what.textContent = describe(item);
      const state = document.createElement("span");
      state.className = "outbox-state" + (item.state === "rejected" ? " is-rejected" : "");
      state.textContent = item.state === "rejected" ? TEXT.notAccepted : TEXT.waiting;
      li.append(what, state);
      if (item.state === "rejected" && form) {
        li.append(button(TEXT.restore, describe(item), () => restore(form, item)));
      }
      li.append(
        button(TEXT.discard, describe(item), () => {
          if (window.confirm(TEXT.confirmDiscard)) {
            forget(item.key);
            render();
          }
        })
      );
      ul.append(li);
    }
    list.append(heading, ul);
  }

  function button(text, about, action) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "button button-secondary";
    b.textContent = text;
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " (" + about + ")";
    b.append(hidden);
    b.addEventListener("click", action);
    return b;
  }

  // Put a refused check-in back in the form, with its own client_key: once it is sent from there,
  // it is the same check-in (and leaves this device).
  function restore(form, item) {
    const values = new Map();
    for (const [key, value] of item.fields) values.set(key, (values.get(key) || []).concat([value]));
    for (const el of form.elements) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") continue;
      const given = values.get(el.name) || [];
      if (el.type === "checkbox" || el.type === "radio") el.checked = given.includes(el.value);
      else if (el.tagName === "SELECT") {
        // a day no longer on offer (more than a week ago): none chosen, the person picks one
        el.selectedIndex = [...el.options].findIndex((o) => given.includes(o.value));
      } else if (given.length) el.value = given[0];
      else if (el.type !== "range") el.value = "";
    }
    regions.forEach((row) => {
      if (!row.plain) {
        row.toggle.checked = values.has(row.input.name);
        row.fresh = false;
      }
      sync(row);
    });
    const details = form.querySelector("details.regions");
    if (details && [...regions.values()].some((row) => regionValue(row) !== null)) details.open = true;
    say(TEXT.restored);
    form.scrollIntoView({ block: "start" });
  }

  // What the outbox sent or refused of the check-ins kept here.
  function reported(event) {
    const refused = event.detail.refused.checkin || 0;
    const sent = event.detail.sent.checkin || 0;
    if (!refused && !sent) return;
    render();
    if (refused) say(TEXT.rejected);
    else say(sent === 1 ? TEXT.sentOne : TEXT.sentMany.replace("{n}", sent), "ok", config.diary);
  }

  // The check-in form: sent with fetch, so a failing connection keeps the check-in here.
  function enhanceOffline(form) {
    const keyInput = form.querySelector('input[name="client_key"]');
    if (!keyInput || !account) return;
    // A key the server put back (a refused form) stays; otherwise a new check-in, a new key.
    // (a hidden input's value is its default value: read it before it is set)
    const sentBack = keyInput.defaultValue;
    keyInput.value = sentBack || uuid();
    if (!sentBack) freshen(form); // a new check-in, not one the server sent back
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) keyInput.value = uuid(); // back to a page whose check-in was sent
    });
    let busy = false;
    form.addEventListener("submit", async (event) => {
      const submitter = event.submitter;
      if (submitter && submitter.name) {
        // "Same tags as yesterday" asks the server for the form again: an ordinary request.
        if (!navigator.onLine) {
          event.preventDefault();
          say(TEXT.needsConnection);
        }
        return;
      }
      event.preventDefault();
      if (busy) return;
      busy = true;
      const pairs = Array.from(new FormData(form)).filter(
        ([key, value]) => key !== "csrfmiddlewaretoken" && typeof value === "string"
      );
      try {
        if (navigator.onLine && (await post(form, pairs))) return;
        if (!(await keep(form, pairs))) {
          say(TEXT.notKept);
          return;
        }
        clear(form);
        keyInput.value = uuid(); // the next check-in is another one
        await render();
        say(TEXT.kept);
        const box = statusBox(false);
        if (box) box.scrollIntoView({ block: "start" });
      } finally {
        busy = false;
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Today and now in the account's time zone

  const CLOCK = {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  };

  // {day: "2026-12-02", time: "14:05"} now, in the account's time zone.
  function localNow() {
    let parts;
    try {
      parts = new Intl.DateTimeFormat("en-GB", { ...CLOCK, timeZone: zone }).formatToParts(new Date());
    } catch (error) {
      parts = new Intl.DateTimeFormat("en-GB", CLOCK).formatToParts(new Date()); // an unknown zone
    }
    const part = (type) => parts.find((p) => p.type === type).value;
    return {
      day: `${part("year")}-${part("month")}-${part("day")}`,
      time: `${part("hour")}:${part("minute")}`,
    };
  }

  function daysBefore(day, n) {
    const date = new Date(day + "T12:00:00Z");
    date.setUTCDate(date.getUTCDate() - n);
    return date.toISOString().slice(0, 10);
  }

  // The server's words for a day where it gave them ("Vandaag" and "Gisteren" are of another day
  // by now), otherwise written the same short way ("ma 30 nov").
  function dayLabel(day, n, served) {
    if (n === 0) return TEXT.today;
    if (n === 1) return TEXT.yesterday;
    if (served.has(day)) return served.get(day);
    return new Date(day + "T12:00:00Z").toLocaleDateString(lang === "en" ? "en-GB" : "nl-NL", {
      weekday: "short",
      day: "numeric",
      month: "short",
      timeZone: "UTC",
    });
  }

  // The day list starts at today: a form kept from an earlier day is moved on to today, with as
  // many days as the server offers.
  function offerDays(select, today) {
    if (!select || !select.options.length || select.options[0].value === today) return;
    const served = new Map([...select.options].slice(2).map((o) => [o.value, o.text]));
    const count = select.options.length;
    select.replaceChildren(
      ...Array.from({ length: count }, (_, n) => {
        const day = daysBefore(today, n);
        return new Option(dayLabel(day, n, served), day);
      })
    );
  }

  // Today and now, as a fresh page would have them.
  function setNow(form) {
    const now = localNow();
    const select = form.querySelector('select[name="day"]');
    offerDays(select, now.day);
    if (select) select.value = now.day;
    const time = form.querySelector('input[name="time"]');
    if (time) time.value = now.time;
  }

  function minutes(time) {
    const match = /^(\d{2}):(\d{2})/.exec(time || "");
    return match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  }

  // A new check-in's form from the service worker's cache may be hours or days old: today and now.
  function freshen(form) {
    const select = form.querySelector('select[name="day"]');
    const time = form.querySelector('input[name="time"]');
    if (!select || !time || time.value !== time.defaultValue) return;
    const now = localNow();
    const off = Math.abs(minutes(now.time) - minutes(time.value));
    if (select.value !== now.day || select.options[0].value !== now.day || !(off <= 5)) setNow(form);
  }

  // Enter in a text field saves the check-in. (Otherwise the browser presses the form's first
  // button, "same tags as yesterday", which needs the server and, offline, saves nothing.)
  function enterSaves(form) {
    form.addEventListener("keydown", (event) => {
      const field = event.target;
      if (event.key !== "Enter" || event.isComposing || !(field instanceof HTMLInputElement)) return;
      if (["checkbox", "radio", "submit", "button", "reset", "file", "range"].includes(field.type)) return;
      event.preventDefault();
      const save = [...form.querySelectorAll('button[type="submit"], input[type="submit"]')].find(
        (b) => !b.name && !b.disabled
      );
      form.requestSubmit(save || undefined);
    });
  }

  // An empty form for the next check-in (today, now), as a fresh page would show it.
  function clear(form) {
    for (const el of form.elements) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "range") continue;
      if (el.type === "checkbox" || el.type === "radio") el.checked = false;
      else if (el.name === "day" || el.name === "time") continue; // setNow below
      else if (el.tagName === "SELECT") el.selectedIndex = 0;
      else el.value = "";
    }
    setNow(form);
    regions.forEach((row) => {
      if (!row.plain) {
        row.toggle.checked = false;
        row.fresh = true;
      }
      sync(row);
    });
  }

  // Returns false when the request did not get through (then the check-in is kept here).
  async function post(form, pairs) {
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: encode(pairs, outbox ? outbox.csrfToken() : ""),
        credentials: "same-origin",
        redirect: "manual", // the redirect itself is the answer; its page shows the message
        signal: timeout(),
      });
    } catch (error) {
      return false;
    }
    if (response.type === "opaqueredirect") {
      forget(valueOf(pairs, "client_key")); // a check-in put back in the form is sent now
      window.location.assign(form.dataset.done);
    } else {
      // Refused (422): the ordinary submission shows the server's page, with everything kept.
      HTMLFormElement.prototype.submit.call(form);
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------

  function init() {
    const form = document.querySelector("form[data-checkin-form]");
    if (form) {
      enhanceRegions(form);
      enterSaves(form);
      if (form.hasAttribute("data-offline")) enhanceOffline(form);
    }
    if (account) {
      render();
      window.addEventListener("storage", (event) => {
        if (outbox && event.key === outbox.STORE) render();
      });
    }
  }

  window.addEventListener("lijfwijs:outbox", reported); // before the outbox's first round

  if ("serviceWorker" in navigator && config.sw && window.isSecureContext) {
    window.addEventListener("load", () => {
      navigator.serviceWorker.register(config.sw, { scope: "/" }).catch(() => {});
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

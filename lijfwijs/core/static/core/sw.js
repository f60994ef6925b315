/* Lijfwijs service worker: the installed app keeps working without a connection.
 *
 * Served from /sw.js by lijfwijs.core.views.service_worker, which fills in VERSION, SHELL (the
 * static URLs, hashed in production) and STATIC (the static prefix).
 *  - Static files: a hashed name never changes, so it comes from the cache first (the shell is
 *    stored when the worker installs, other files when first used); a plain name (development)
 *    from the network first.
 *  - Pages kept for use offline, network first with the kept copy as fallback: the start page and
 *    the check-in form (APP_PAGE) and the exercise players (PLAYER). Every other page goes to the
 *    network as usual; without a connection it gets a small "no connection" page that links to
 *    the pages that do work.
 *  - Kept pages are per account: a copy is stored with the account it was made for (the page's
 *    data-account), and shown only while that account is the device's current one (the account of
 *    the last page from the network, or the one a page reports). When another account (or nobody)
 *    is seen, and when someone signs in or out, every kept page is deleted. outbox.js also deletes
 *    them on sign-out, before the form is sent.
 * Check-ins and practice sessions made offline are kept and sent by outbox.js, not by this worker.
 */
"use strict";

const VERSION = /*VERSION*/"dev";
const SHELL = /*SHELL*/[];
const STATIC = /*STATIC*/"/static/";
const CACHE = "lijfwijs-shell-" + VERSION;
const PAGES = "lijfwijs-pages-" + VERSION; // the players
const APP = "lijfwijs-app-" + VERSION; // the start page and the check-in form
const STATE = "lijfwijs-state"; // whose pages are kept
const PREFIXES = ["lijfwijs-shell-", "lijfwijs-pages-", "lijfwijs-app-"];
const OWNER = "/__lijfwijs__/account";
const ACCOUNT_HEADER = "X-Lijfwijs-Account";
// /oefeningen/<slug>/oefenen/ and /oefeningen/mijn-ritmes/<id>/oefenen/, also under /en/
const PLAYER = /^(?:\/en)?\/oefeningen\/(?:[-\w]+|mijn-ritmes\/\d+)\/oefenen\/$/;
// the start page and the check-in form, also under /en/
const APP_PAGE = /^(?:\/en)?\/(?:dagboek\/nieuw\/)?$/;
const SIGN_IN_OR_OUT = /^(?:\/en)?\/account\/(?:inloggen|uitloggen)\/$/;
// name.0123456789ab.css, as ManifestStaticFilesStorage writes it
const HASHED = /\.[0-9a-f]{12}\.\w+$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names
          .filter((n) => PREFIXES.some((p) => n.startsWith(p)) && ![CACHE, PAGES, APP].includes(n))
          .map((n) => caches.delete(n))
      ))
      .then(() => self.clients.claim())
  );
});

// ---------------------------------------------------------------------------------------------
// Whose pages are kept

// One change of the kept pages at a time, so a page kept for one account is never deleted by a
// slower check made for the same account (or kept after a newer account was seen).
let queue = Promise.resolve();
function serially(work) {
  const done = queue.then(work);
  queue = done.catch(() => {});
  return done;
}

function forgetPages() {
  return Promise.all([caches.delete(PAGES), caches.delete(APP), caches.delete(STATE)]);
}

// The current account ("" for nobody signed in), or null when not known (nothing kept yet).
async function owner() {
  const cache = await caches.open(STATE);
  const kept = await cache.match(OWNER);
  return kept ? kept.text() : null;
}

// A page of `account` was seen: the pages kept for anyone else go.
async function seen(account) {
  if ((await owner()) === account) return;
  await forgetPages();
  await (await caches.open(STATE)).put(OWNER, new Response(account));
}

function accountOf(html) {
  const match = /<script\b[^>]*\sdata-account="(\d+)"/.exec(html);
  return match ? match[1] : "";
}

// A message shown once ("your check-in is saved") is not kept with the page.
const MESSAGES = /<ul class="messages"[^>]*>[\s\S]*?<\/ul>/g;

async function keepPage(cacheName, key, response) {
  const html = (await response.text()).replace(MESSAGES, "");
  const account = accountOf(html);
  await serially(async () => {
    await seen(account);
    const headers = new Headers(response.headers);
    headers.set(ACCOUNT_HEADER, account);
    const copy = new Response(html, { status: response.status, statusText: response.statusText, headers });
    await (await caches.open(cacheName)).put(key, copy);
  });
}

async function keptPage(cacheName, key) {
  const cached = await caches.match(key, { cacheName, ignoreVary: true });
  if (!cached) return null;
  const current = await owner();
  return current !== null && cached.headers.get(ACCOUNT_HEADER) === current ? cached : null;
}

// The network first (always the current page), the copy kept for this account without one.
async function pageNetworkFirst(event, cacheName, url) {
  const key = url.origin + url.pathname;
  let response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    return (await keptPage(cacheName, key)) || offlinePage(url);
  }
  if (response.ok && response.type === "basic" && !response.redirected) {
    event.waitUntil(keepPage(cacheName, key, response.clone()).catch(() => {}));
  } else if (response.status >= 502 && response.status <= 504) {
    return (await keptPage(cacheName, key)) || response; // the server is away: as if offline
  }
  return response;
}

// Any other page: the network as usual; without a connection, the page above.
async function otherPage(event, url) {
  try {
    return await fetch(event.request);
  } catch (error) {
    return offlinePage(url);
  }
}

const OFFLINE = {
  nl: {
    title: "Geen verbinding",
    lead: "Deze pagina is niet op dit apparaat bewaard. Zodra je weer verbinding hebt, kun je verder.",
    works: "Zonder verbinding kun je wel:",
    home: "de startpagina bekijken",
    checkin: "een check-in invullen (hij wordt verstuurd zodra je weer verbinding hebt)",
    retry: "Opnieuw proberen",
    crisis: "Denk je aan zelfdoding? Bel 113 of 0800-0113 (gratis) of chat via 113.nl. In direct gevaar: bel 112.",
  },
  en: {
    title: "No connection",
    lead: "This page is not kept on this device. You can carry on as soon as you are connected again.",
    works: "Without a connection you can still:",
    home: "see the start page",
    checkin: "fill in a check-in (it is sent as soon as you are connected again)",
    retry: "Try again",
    crisis: "Thinking about suicide? Call 113 or 0800-0113 (free) or chat at 113.nl. In immediate danger: call 112.",
  },
};

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Without a connection, a page that was not kept: say so, and link the pages kept for this account.
async function offlinePage(url) {
  const lang = url.pathname === "/en" || url.pathname.startsWith("/en/") ? "en" : "nl";
  const t = OFFLINE[lang];
  const prefix = lang === "en" ? "/en" : "";
  const css = SHELL.find((s) => s.includes("/core/site.")) || "";
  const links = [];
  for (const [path, text] of [[prefix + "/", t.home], [prefix + "/dagboek/nieuw/", t.checkin]]) {
    if (path !== url.pathname && (await keptPage(APP, url.origin + path))) {
      links.push(`<li><a href="${path}">${text}</a></li>`);
    }
  }
  const html = `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title} · Lijfwijs</title>
${css ? `<link rel="stylesheet" href="${escapeHtml(css)}">` : ""}
</head>
<body>
<main id="main" class="wrap stack">
<h1>${t.title}</h1>
<p class="lead">${t.lead}</p>
${links.length ? `<p>${t.works}</p>\n<ul>\n${links.join("\n")}\n</ul>` : ""}
<p><a class="button" href="${escapeHtml(url.pathname + url.search)}">${t.retry}</a></p>
<p>${t.crisis.replace(/\b(113|0800-0113|112)\b(?![.\w])/g, (n) => `<a href="tel:${n.replace("-", "")}">${n}</a>`)}</p>
</main>
</body>
</html>`;
  return new Response(html, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

// ---------------------------------------------------------------------------------------------
// Static files

async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => {});
  }
  return response;
}

async function staticNetworkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => {});
    }
    return response;
  } catch (error) {
    return (await caches.match(request, { cacheName: CACHE })) || Response.error();
  }
}

// ---------------------------------------------------------------------------------------------

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && SIGN_IN_OR_OUT.test(url.pathname)) {
    // the browser sends the form as usual; nobody's kept page outlives it
    event.waitUntil(serially(() => Promise.all([caches.delete(PAGES), caches.delete(APP)])));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    if (PLAYER.test(url.pathname)) event.respondWith(pageNetworkFirst(event, PAGES, url));
    else if (APP_PAGE.test(url.pathname) && !url.search) event.respondWith(pageNetworkFirst(event, APP, url));
    else event.respondWith(otherPage(event, url));
  } else if (url.pathname.startsWith(STATIC)) {
    event.respondWith(HASHED.test(url.pathname) ? cacheFirst(request) : staticNetworkFirst(request));
  }
  // everything else (the API, the outbox's posts): the browser as usual
});

// A page says whose it is (outbox.js, on every page): the kept pages of anyone else go.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "account" && typeof data.account === "string") {
    event.waitUntil(serially(() => seen(data.account)));
  } else if (data.type === "forget") {
    event.waitUntil(serially(forgetPages));
  }
});

/* Lijfwijs service worker: keeps the app shell (CSS, JS, icons) and the exercise players for use
 * without a connection.
 *
 * Served from /sw.js by lijfwijs.core.views.service_worker, which fills in VERSION and SHELL (the
 * static URLs, hashed in production). Of the pages only the players are kept (PLAYER below): they
 * hold the exercise and no health data; every other page may, and is never cached here. Kept
 * players go when someone signs in or out, so nobody's page (with its CSRF token and account
 * number) is shown to the next person. Check-ins and practice sessions made offline are kept and
 * sent by outbox.js, not by this worker.
 */
"use strict";

const VERSION = /*VERSION*/"dev";
const SHELL = /*SHELL*/[];
const CACHE = "lijfwijs-shell-" + VERSION;
const PAGES = "lijfwijs-pages-" + VERSION;
const PREFIXES = ["lijfwijs-shell-", "lijfwijs-pages-"];
// /oefeningen/<slug>/oefenen/ and /oefeningen/mijn-ritmes/<id>/oefenen/, also under /en/
const PLAYER = /^(?:\/en)?\/oefeningen\/(?:[-\w]+|mijn-ritmes\/\d+)\/oefenen\/$/;
const SIGN_IN_OR_OUT = /^(?:\/en)?\/account\/(?:inloggen|uitloggen)\/$/;

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
          .filter((n) => PREFIXES.some((p) => n.startsWith(p)) && n !== CACHE && n !== PAGES)
          .map((n) => caches.delete(n))
      ))
      .then(() => self.clients.claim())
  );
});

function isShell(url) {
  return url.origin === self.location.origin && SHELL.includes(url.pathname);
}

function isPlayer(url, request) {
  return url.origin === self.location.origin && request.mode === "navigate" && PLAYER.test(url.pathname);
}

// The network first (always the current file or page), the kept copy without a connection.
function networkFirst(request, cacheName, key) {
  return fetch(request)
    .then((response) => {
      if (response.ok && response.type === "basic" && !response.redirected) {
        const copy = response.clone();
        caches.open(cacheName).then((cache) => cache.put(key, copy));
      }
      return response;
    })
    .catch(() =>
      caches.match(key, { cacheName, ignoreVary: true }).then((cached) => cached || Response.error())
    );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method === "POST" && url.origin === self.location.origin && SIGN_IN_OR_OUT.test(url.pathname)) {
    event.waitUntil(caches.delete(PAGES)); // the browser sends the form as usual
    return;
  }
  if (request.method !== "GET") return;
  if (isPlayer(url, request)) {
    event.respondWith(networkFirst(request, PAGES, url.origin + url.pathname));
  } else if (isShell(url)) {
    event.respondWith(networkFirst(request, CACHE, request));
  }
  // everything else (other pages, the API): the browser as usual
});

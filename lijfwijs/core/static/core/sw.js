/* Lijfwijs service worker: keeps the app shell (CSS, JS, icons) for use without a connection.
 *
 * Served from /sw.js by lijfwijs.core.views.service_worker, which fills in VERSION and SHELL (the
 * static URLs, hashed in production). Pages are never cached here: they may hold health data and
 * a CSRF token. Check-ins made offline are kept and sent by checkin.js, not by this worker.
 */
"use strict";

const VERSION = /*VERSION*/"dev";
const SHELL = /*SHELL*/[];
const CACHE = "lijfwijs-shell-" + VERSION;
const PREFIX = "lijfwijs-shell-";

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
        names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))
      ))
      .then(() => self.clients.claim())
  );
});

function isShell(url) {
  return url.origin === self.location.origin && SHELL.includes(url.pathname);
}

// The shell's files: the network first (always the current file), the kept copy without a connection.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (!isShell(url)) return; // pages, the API and everything else: the browser as usual
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && response.type === "basic") {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request).then((cached) => cached || Response.error()))
  );
});

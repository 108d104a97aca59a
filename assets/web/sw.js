// The service worker: keeps the pages' shell so that /scan and a label's /s/{tag} open with
// no connection. Pages are asked of the network first, so with signal nothing is stale; only
// when the network fails does the cache answer. A label's address offline gets the label
// shell, whose script (field.js) draws the item from the round kept on the phone. The API and
// every other address go straight to the network.
"use strict";

// A new name when the shell changes (v2: the examination form): a new worker keeps it afresh
// and drops the old one.
const CACHE = "equiptrack-shell-v2";
const LABEL_SHELL = "/offline/label";
const SHELL = [
  "/scan",
  LABEL_SHELL,
  "/offline/queue",
  "/assets/app.css",
  "/assets/field.js",
  "/assets/scan.js",
  "/assets/signature.js",
  "/assets/jsQR.js",
  "/manifest.webmanifest",
  "/assets/icon-192.png",
];

// A page answered with the sign-in form (a redirect) is not the shell: kept only when it is
// the page itself.
async function keep(cache, url) {
  try {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (response.ok && !response.redirected) await cache.put(url, response);
  } catch (e) {
    // Offline while installing: the next visit with signal fills it.
  }
}

async function keepShell() {
  const cache = await caches.open(CACHE);
  await Promise.all(SHELL.map((url) => keep(cache, url)));
}

self.addEventListener("install", (event) => {
  event.waitUntil(keepShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  const old = caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))));
  event.waitUntil(old.then(() => self.clients.claim()));
});

// What the pages last said of the connection (field.js tells on load and on each change).
// With none, a page's address is answered from the cache at once rather than after the
// network has failed, which a phone in a dead zone can take long to admit.
let pagesOffline = false;

// field.js asks to keep the shell again after each sign-in's first round: its pages carry
// the session's CSRF token and the name of who is signed in.
self.addEventListener("message", (event) => {
  if (event.data === "keep-shell") event.waitUntil(keepShell());
  if (event.data === "offline" || event.data === "online") pagesOffline = event.data === "offline";
});

function shellFor(url) {
  if (SHELL.includes(url.pathname)) return url.pathname;
  if (/^\/s\/[^/]+$/.test(url.pathname) || url.pathname === "/scan/go") return LABEL_SHELL;
  return null;
}

async function networkFirst(request, shell) {
  if (pagesOffline || self.navigator.onLine === false) {
    const cached = await caches.match(shell);
    if (cached) return cached;
  }
  try {
    return await fetch(request);
  } catch (e) {
    const cached = await caches.match(shell);
    if (cached) return cached;
    throw e;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const shell = shellFor(url);
  if (shell) event.respondWith(networkFirst(request, shell));
});

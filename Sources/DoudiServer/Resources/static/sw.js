// The helper's visits page keeps working without a network: the page, its script and its style are kept in a
// cache and served from it when the network is gone. Everything else goes to the network as usual.
const CACHE = 'doudi-visits-1';
const SHELL = ['/visits', '/static/visits.js', '/static/app.css'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL.slice(1))).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('doudi-visits-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !SHELL.includes(url.pathname)) return;
  // The network first, so the list is fresh whenever there is signal; the kept copy when there is none.
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      caches.open(CACHE).then((c) => c.put(url.pathname, copy));
    }
    return response;
  }).catch(() => caches.match(url.pathname).then((hit) => hit || Response.error())));
});

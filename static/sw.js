// Kinesis Lab's service worker: after the first visit the lab works with no
// network at all (a classroom with bad Wi-Fi, a laptop on a train).
//
// - install: downloads every file of the build into one cache named after the
//   build's version;
// - fetch: answers GETs for those files from that cache first, and a page
//   load (`./`, `./index.html`) with the cached index.html, since every route
//   of the lab lives after the `#`;
// - activate: deletes this site's caches of older versions;
// - a new version waits until the page asks for it ({type: 'SKIP_WAITING'},
//   sent by sw-register.js when the student clicks Reload on the banner), so a
//   running lesson is never swapped out from under the student.
//
// `cargo xtask` (xtask/src/sw.rs) rewrites the next two lines after each build:
// VERSION becomes a hash of every file in dist/, PRECACHE their paths relative
// to this file. Left as they are (a development server), nothing is cached.
const VERSION = 'dev';
const PRECACHE = [];

// Several copies of the lab can share an origin under different sub-paths
// (https://user.github.io/a/ and …/b/): the scope is part of every cache name,
// and a worker only ever deletes caches of its own scope.
const SCOPE = self.registration.scope;
const PREFIX = `kinesis-lab ${SCOPE} `;
const CACHE = PREFIX + VERSION;
const INDEX = new URL('index.html', SCOPE).href;
const CACHED = new Set(PRECACHE.map((path) => new URL(path, SCOPE).href));
// The lab's only page addresses (its routes live after the `#`). Other pages
// that share the scope (a plain server's root) are left alone.
const PAGES = new Set([SCOPE, INDEX]);

self.addEventListener('install', (event) => {
  if (PRECACHE.length === 0) return;
  // `no-cache` revalidates with the server instead of trusting the HTTP cache,
  // so a file is never stored from an older deploy (an unchanged file costs a
  // 304). One missing file fails the install: the old version stays in charge.
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll([...CACHED].map((url) => new Request(url, { cache: 'no-cache' }))),
    ),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))))
      // Take charge of pages opened before this worker existed (the first
      // visit), so the lab works offline from then on without a reload.
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});

// Only the build's own files and the lab's page are answered here; anything
// else goes to the network as if there were no worker.
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (CACHED.size === 0 || request.method !== 'GET') return;
  // A request's URL keeps its fragment (`#/streams`): drop it, and for the
  // page the query too.
  const url = new URL(request.url);
  url.hash = '';
  const file = url.href;
  url.search = '';
  const page = request.mode === 'navigate' && PAGES.has(url.href);
  if (!page && !CACHED.has(file)) return;
  event.respondWith(fromCache(request, page));
});

async function fromCache(request, page) {
  const cache = await caches.open(CACHE);
  // The page, at `./` or `./index.html`, with any query, is index.html.
  const hit = await cache.match(page ? INDEX : request);
  return hit || fetch(request);
}

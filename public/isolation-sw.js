/*
 * Kindling's cross-origin isolation service worker, for static hosts that cannot send headers.
 * It re-serves every same-scope response with COOP/COEP/CORP so the page becomes crossOriginIsolated
 * and may use SharedArrayBuffer. web/env/isolation.ts registers it and reloads the page once.
 */
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // Requests the browser marks this way throw if re-fetched from a worker; let them through untouched.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0) return response; // opaque: headers cannot be changed
      const headers = new Headers(response.headers);
      headers.set('Cross-Origin-Opener-Policy', 'same-origin');
      headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
      headers.set('Cross-Origin-Resource-Policy', 'same-origin');
      return new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    }),
  );
});

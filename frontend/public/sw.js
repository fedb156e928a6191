/*
 * MediaNest's service worker: shows the notifications the server pushes
 * (Web Push, decrypted by the browser) and opens their link when one is
 * clicked. It caches nothing and handles no fetch: pages and API calls always
 * go to the server. Served from the site root with Cache-Control: no-cache, so
 * a new version is picked up on the next visit.
 */

self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

/** The pushed message: { id, event, title, body, link } (JSON), or plain text. */
function messageOf(data) {
  if (!data) return {};
  try {
    return data.json();
  } catch {
    return { body: data.text() };
  }
}

self.addEventListener('push', (event) => {
  const message = messageOf(event.data);
  const title = typeof message.title === 'string' && message.title ? message.title : 'MediaNest';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof message.body === 'string' ? message.body : '',
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      // One notification per message: a retried delivery replaces, never doubles, what is shown.
      tag: message.id ? `medianest-${message.id}` : undefined,
      data: { link: typeof message.link === 'string' && message.link ? message.link : '/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.link) || '/', self.location.origin);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // An open MediaNest window: bring it forward on the link's page.
      const open = windows.find((client) => new URL(client.url).origin === target.origin);
      if (open) {
        await open.focus();
        if (open.url !== target.href && 'navigate' in open) await open.navigate(target.href);
        return;
      }
      await self.clients.openWindow(target.href);
    })(),
  );
});

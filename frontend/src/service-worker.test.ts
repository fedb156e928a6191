/**
 * The service worker (public/sw.js) run in a Node VM with a stand-in for the
 * browser's ServiceWorkerGlobalScope: what it shows on `push`, and where
 * `notificationclick` takes the member. (The browser test delivers a real push
 * to it in Chromium; Chromium offers no way to click a notification from a test.)
 */
import fs from 'node:fs';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

const SOURCE = fs.readFileSync(new URL('../public/sw.js', import.meta.url), 'utf8');
const ORIGIN = 'https://media.example.com';

interface WindowClient {
  url: string;
  focused: boolean;
  navigatedTo?: string;
  focus(): Promise<WindowClient>;
  navigate(url: string): Promise<WindowClient>;
}

function windowClient(url: string): WindowClient {
  const client: WindowClient = {
    url,
    focused: false,
    focus: async () => {
      client.focused = true;
      return client;
    },
    navigate: async (to: string) => {
      client.navigatedTo = to;
      return client;
    },
  };
  return client;
}

/** Loads sw.js; returns its listeners and what it did to the scope. */
function load(windows: WindowClient[] = []) {
  const listeners = new Map<string, (event: unknown) => void>();
  const shown: { title: string; options: { body: string; tag?: string; icon: string; data: { link: string } } }[] = [];
  const opened: string[] = [];
  const self = {
    location: new URL(`${ORIGIN}/sw.js`),
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, listener),
    skipWaiting: async () => undefined,
    registration: {
      showNotification: async (title: string, options: (typeof shown)[number]['options']) => void shown.push({ title, options }),
    },
    clients: {
      claim: async () => undefined,
      matchAll: async () => windows,
      openWindow: async (url: string) => void opened.push(url),
    },
  };
  vm.runInNewContext(SOURCE, { self, URL });
  /** Dispatches an event the way the browser does, resolving once its waitUntil promise settles. */
  const dispatch = async (type: string, event: object) => {
    let pending: Promise<unknown> = Promise.resolve();
    listeners.get(type)!({ ...event, waitUntil: (p: Promise<unknown>) => (pending = p) });
    await pending;
  };
  return { dispatch, shown, opened };
}

const pushed = (data: string | null) => ({
  data: data === null ? null : { json: () => JSON.parse(data) as unknown, text: () => data },
});
const clicked = (link: string | undefined) => {
  const notification = { data: { link }, closed: false, close: () => (notification.closed = true) };
  return { notification };
};

describe('the service worker', () => {
  it('shows the pushed title and body, one notification per message, with the link to open', async () => {
    const sw = load();
    await sw.dispatch(
      'push',
      pushed(JSON.stringify({ id: '42', title: 'Ready to watch: Inception', body: 'It is on Plex.', link: `${ORIGIN}/requests/7` })),
    );
    expect(sw.shown).toEqual([
      {
        title: 'Ready to watch: Inception',
        options: expect.objectContaining({ body: 'It is on Plex.', tag: 'medianest-42', data: { link: `${ORIGIN}/requests/7` } }),
      },
    ]);
    expect(sw.shown[0]!.options.icon).toBe('/icons/icon-192.png');
  });

  it('still shows something for an empty or non-JSON push', async () => {
    const sw = load();
    await sw.dispatch('push', pushed(null));
    await sw.dispatch('push', pushed('plain words'));
    expect(sw.shown.map((n) => [n.title, n.options.body, n.options.data.link])).toEqual([
      ['MediaNest', '', '/'],
      ['MediaNest', 'plain words', '/'],
    ]);
  });

  it('brings an open MediaNest window forward on the link, or opens one', async () => {
    const open = windowClient(`${ORIGIN}/library`);
    const withWindow = load([windowClient('https://elsewhere.example/'), open]);
    const click = clicked(`${ORIGIN}/requests/7`);
    await withWindow.dispatch('notificationclick', click);
    expect(click.notification.closed).toBe(true);
    expect(open).toMatchObject({ focused: true, navigatedTo: `${ORIGIN}/requests/7` });
    expect(withWindow.opened).toEqual([]);

    const none = load([]);
    await none.dispatch('notificationclick', clicked(undefined));
    expect(none.opened).toEqual([`${ORIGIN}/`]);
  });
});

/**
 * Web Push in this browser: whether it can work here, the service worker that
 * shows the notifications (/sw.js), and subscribing with the server's VAPID
 * public key.
 */

import { i18next } from '../i18n';

/** Why push cannot work here, or 'supported'. */
export type PushSupport = 'supported' | 'insecure' | 'ios-not-installed' | 'unsupported';

export interface PushEnvironment {
  isSecureContext: boolean;
  hasServiceWorker: boolean;
  hasPushManager: boolean;
  hasNotification: boolean;
  userAgent: string;
  /** Opened from the Home Screen (display-mode standalone, or Safari's navigator.standalone). */
  standalone: boolean;
}

export function pushSupport(env: PushEnvironment): PushSupport {
  // Service workers and push exist only in a secure context: https://, or http://localhost.
  if (!env.isSecureContext) return 'insecure';
  if (env.hasServiceWorker && env.hasPushManager && env.hasNotification) return 'supported';
  // iPhone and iPad (iOS 16.4+) offer push only to a web app added to the Home Screen.
  if (/\b(iPhone|iPad|iPod)\b/.test(env.userAgent) && !env.standalone) return 'ios-not-installed';
  return 'unsupported';
}

export function currentEnvironment(): PushEnvironment {
  return {
    isSecureContext: window.isSecureContext,
    hasServiceWorker: 'serviceWorker' in navigator,
    hasPushManager: 'PushManager' in window,
    hasNotification: 'Notification' in window,
    userAgent: navigator.userAgent,
    standalone:
      window.matchMedia('(display-mode: standalone)').matches || (navigator as Navigator & { standalone?: boolean }).standalone === true,
  };
}

/** The bytes of a base64url string (the VAPID public key as `applicationServerKey`). */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (value.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A name for this device in the member's list: "Firefox on Android". */
export function deviceLabel(userAgent: string): string {
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /OPR\//.test(userAgent)
      ? 'Opera'
      : /Firefox\//.test(userAgent)
        ? 'Firefox'
        : /Chrome\//.test(userAgent)
          ? 'Chrome'
          : /Safari\//.test(userAgent)
            ? 'Safari'
            : i18next.t('notifications:push.browser');
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad|iPod/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(userAgent)
          ? 'macOS'
          : /CrOS/.test(userAgent)
            ? 'ChromeOS'
            : /Linux/.test(userAgent)
              ? 'Linux'
              : undefined;
  return os ? i18next.t('notifications:push.deviceOn', { browser, os }) : browser;
}

/** The service worker at the site's root (so its scope covers every page). */
export function registerServiceWorker(): Promise<ServiceWorkerRegistration> {
  return navigator.serviceWorker.register('/sw.js', { scope: '/' });
}

/** This browser's push subscription, if it has one. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/**
 * Subscribes this browser with the server's key. A subscription made with an
 * older key (the server's key pair was replaced) is dropped first: a browser
 * refuses to subscribe again with a different key.
 */
export async function subscribe(publicKey: string): Promise<PushSubscription> {
  await registerServiceWorker();
  const registration = await navigator.serviceWorker.ready;
  const key = base64UrlToBytes(publicKey);
  const existing = await registration.pushManager.getSubscription();
  const existingKey = existing?.options.applicationServerKey;
  if (existing && existingKey && !sameBytes(new Uint8Array(existingKey), key)) await existing.unsubscribe();
  return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The subscription as the server takes it: endpoint and keys. */
export function subscriptionBody(subscription: PushSubscription): { endpoint: string; keys: { p256dh: string; auth: string } } {
  const json = subscription.toJSON();
  return { endpoint: subscription.endpoint, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } };
}

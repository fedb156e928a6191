/**
 * The Web Push channel kind. The server has one VAPID key pair (RFC 8292),
 * generated on first use and kept in the settings table with the private key
 * sealed; browsers subscribe with its public key. A message goes to each of
 * the member's subscribed browsers: web-push encrypts it for that browser
 * (RFC 8291, aes128gcm) and signs the VAPID JWT, and the request is posted
 * through the one instrumented HTTP client — never through web-push's own
 * https sender — so metrics, spans, the breaker and the delivery job's retries
 * apply as for every other kind. The endpoint is a member's choice: it passes
 * the outbound-address policy (integrations/outbound-policy.ts) as written and
 * again at connect time, and each push service has its own breaker.
 */
import type WebPush from 'web-push';
import { z } from 'zod';
import { AppError } from '../../errors';
import { UpstreamClientError, type UpstreamRequest } from '../../integrations/http-client';
import { OutboundAddressRefused } from '../../integrations/outbound-policy';
import { registerSecret, registerSecretUrl } from '../../observability/redact';

/** The contact push services see in the VAPID token: `mailto:` an address, or an https:// page. */
export const VAPID_SUBJECT = z
  .string()
  .trim()
  .max(320)
  .refine((v) => {
    try {
      const url = new URL(v);
      return url.protocol === 'https:' || (url.protocol === 'mailto:' && /^[^@\s]+@[^@\s]+$/.test(url.pathname));
    } catch {
      return false;
    }
  }, 'must be mailto:you@example.com or an https:// URL');

export interface VapidKeys {
  /** Base64url of the uncompressed P-256 public key (65 bytes): what the browser subscribes with. */
  publicKey: string;
  /** Base64url of the 32-byte private key. Secret. */
  privateKey: string;
}

let webPushModule: typeof WebPush | undefined;
/** web-push is read on first use (a key pair or a push): it is a large module, and most servers start without pushing. */
function webpush(): typeof WebPush {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start-up
  return (webPushModule ??= require('web-push') as typeof WebPush);
}

export const generateVapidKeys = (): VapidKeys => webpush().generateVAPIDKeys();

/** One subscribed browser. */
export interface PushTarget {
  id: number;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushRecipient {
  vapid: VapidKeys;
  devices: PushTarget[];
  /** Told of each device the push service took the message for, or answered 404/410 for (its subscription is gone). */
  onDevice(id: number, outcome: 'delivered' | 'gone'): Promise<void>;
}

/** "No subscribed device is left to send to" (410 GONE): final, never retried. */
const noDevice = (message: string) => new AppError(410, 'GONE', message);

export const isFinalPushFailure = (err: unknown): boolean => err instanceof AppError && err.code === 'GONE';

/** How long a push service keeps a message for a browser that is offline. */
const TTL_SECONDS = 24 * 60 * 60;

/** What the service worker reads from the decrypted message. */
export interface PushPayload {
  id: string;
  event: string;
  title: string;
  body: string;
  link: string | null;
}

/**
 * Sends `message` to every device of the recipient. Resolves when at least one
 * device took it and none failed; a 404 or 410 (the browser unsubscribed or the
 * subscription expired) removes that device and is not retried; any other
 * failure is thrown for the delivery job to retry (devices that already took
 * the message were reported through onDevice, so a retry skips them).
 */
export async function pushToDevices(
  subject: string,
  message: PushPayload,
  recipient: { username: string; push?: PushRecipient },
  post: (target: URL, request: UpstreamRequest) => Promise<unknown>,
): Promise<void> {
  const push = recipient.push;
  if (!push || push.devices.length === 0) throw noDevice(`${recipient.username} has no device subscribed to push notifications`);
  const payload: PushPayload = { id: message.id, event: message.event, title: message.title, body: message.body, link: message.link };
  const failures: unknown[] = [];
  let delivered = 0;
  await Promise.all(
    push.devices.map(async (device) => {
      const target = new URL(device.endpoint);
      // The endpoint's path is the subscription's capability; the origin (fcm.googleapis.com, …) stays readable.
      // Redacted where this URL appears, not as a bare path in every log line (the member chose it).
      registerSecretUrl(target);
      const details = webpush().generateRequestDetails(
        { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
        JSON.stringify(payload),
        {
          vapidDetails: { subject, publicKey: push.vapid.publicKey, privateKey: push.vapid.privateKey },
          TTL: TTL_SECONDS,
          urgency: 'normal',
          contentEncoding: 'aes128gcm',
        },
      );
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(details.headers)) {
        // fetch computes the length itself.
        if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
      }
      const token = /\bt=([^,\s]+)/.exec(headers.Authorization ?? '')?.[1];
      if (token) registerSecret(token);
      try {
        await post(target, {
          operation: 'send',
          method: 'POST',
          path: target.pathname + target.search,
          headers,
          body: details.body,
          responseType: 'bytes',
        });
        delivered += 1;
        await push.onDevice(device.id, 'delivered');
      } catch (err) {
        // 404/410: the push service ended the subscription. Refused: stored before the outbound
        // policy existed, or a push service the admin no longer allows. Neither is sent to again.
        if (
          (err instanceof UpstreamClientError && (err.upstreamStatus === 404 || err.upstreamStatus === 410)) ||
          err instanceof OutboundAddressRefused
        ) {
          await push.onDevice(device.id, 'gone');
          return;
        }
        failures.push(err);
      }
    }),
  );
  if (failures.length > 0) throw failures[0] as Error;
  if (delivered === 0) throw noDevice(`The push subscriptions of ${recipient.username} have expired; nothing was sent`);
}

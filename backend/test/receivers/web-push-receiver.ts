/**
 * A local Web Push service on 127.0.0.1, playing the part of FCM or Mozilla's
 * autopush for MediaNest's `webpush` channel kind.
 *
 * It hands out subscriptions the way a browser makes them: a fresh P-256 key
 * pair and 16-byte auth secret per subscription (node:crypto), and an endpoint
 * on this server. For each POST it checks what a real push service checks —
 * the VAPID `Authorization: vapid t=<JWT>, k=<public key>` header (an ES256
 * JWT signed with the key in `k`, `aud` the endpoint's origin, `exp` within
 * 24 hours, `sub` a mailto: or https: contact), `TTL` and
 * `Content-Encoding: aes128gcm` — and then does what only the browser can: it
 * decrypts the body (RFC 8188 record with the RFC 8291 key derivation) with
 * the subscription's private key and auth secret. A message that fails any
 * check is refused (400/401/403) and recorded in `refused`.
 *
 * Faults: `setDown` answers 503 (all endpoints, or some), `expire` answers
 * 410 Gone for an endpoint from then on, as a push service does once the
 * browser unsubscribed.
 */
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../src/errors';

export interface BrowserSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

export interface ReceivedPush {
  endpoint: string;
  /** The decrypted message, parsed as JSON. */
  payload: Record<string, unknown>;
  claims: VapidClaims;
  /** The `k` of the Authorization header: the VAPID public key the JWT was verified with. */
  vapidPublicKey: string;
  /** The JWT as sent (to check it never reaches a log line). */
  token: string;
  ttl: number;
  urgency: string | undefined;
  /** When it arrived (Date.now()). */
  receivedAt: number;
}

interface Subscriber {
  ecdh: ECDH;
  auth: Buffer;
  gone: boolean;
}

const b64url = (buf: Buffer) => buf.toString('base64url');
const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, length: number) => Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

/** Checks the VAPID header of a push to `endpoint`; returns the claims and key, or the reason it is refused. */
export function verifyVapid(
  authorization: string | undefined,
  endpoint: string,
  nowSeconds: number,
): { claims: VapidClaims; publicKey: string; token: string } | string {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)$/.exec(authorization ?? '');
  if (!match) return 'missing vapid authorization';
  const [, token, k] = match as unknown as [string, string, string];
  const [header, body, signature] = token.split('.') as [string, string, string];
  const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string; typ?: string };
  if (head.alg !== 'ES256') return `jwt alg ${head.alg}`;
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) return 'k is not an uncompressed P-256 key';
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33, 65)) },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${header}.${body}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return 'bad jwt signature';
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as VapidClaims;
  if (claims.aud !== new URL(endpoint).origin) return `aud ${claims.aud} is not the endpoint's origin`;
  if (!(claims.exp > nowSeconds && claims.exp <= nowSeconds + 24 * 60 * 60)) return 'exp outside the next 24 hours';
  if (!/^(mailto:|https:)/.test(claims.sub)) return 'sub is not mailto: or https:';
  return { claims, publicKey: k, token };
}

/** Decrypts an aes128gcm Web Push body (RFC 8291) for the subscriber; throws when it does not authenticate. */
export function decryptPush(body: Buffer, subscriber: { ecdh: ECDH; auth: Buffer }): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const senderPublic = body.subarray(21, 21 + idLength);
  const records = body.subarray(21 + idLength);
  if (idLength !== 65 || records.length > recordSize) throw new Error('not a single-record aes128gcm message');
  const ecdhSecret = subscriber.ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscriber.ecdh.getPublicKey(), senderPublic]);
  const ikm = hkdf(subscriber.auth, ecdhSecret, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([decipher.update(records.subarray(0, records.length - 16)), decipher.final()]);
  // The plaintext ends with the last-record delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('missing last-record delimiter');
  return padded.subarray(0, end);
}

export class WebPushReceiver {
  readonly received: ReceivedPush[] = [];
  readonly refused: string[] = [];
  /** The endpoint of every request that reached this service, answered or not. */
  readonly calls: string[] = [];
  private readonly subscribers = new Map<string, Subscriber>();
  private readonly downEndpoints = new Set<string>();
  private allDown = false;
  private server: http.Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A new browser subscription on this push service, as `PushSubscription.toJSON()` gives it. */
  subscribe(): BrowserSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    const endpoint = `${this.url}/wpush/v2/${b64url(randomBytes(24))}`;
    this.subscribers.set(endpoint, { ecdh, auth, gone: false });
    return { endpoint, keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) } };
  }

  /** The browser unsubscribed: the push service answers 410 Gone from now on. */
  expire(endpoint: string): void {
    this.subscribers.get(endpoint)!.gone = true;
  }

  /** 503 for every endpoint (true/false), or only for the endpoints given. */
  setDown(down: boolean | string[]): void {
    this.downEndpoints.clear();
    if (Array.isArray(down)) {
      this.allDown = false;
      for (const e of down) this.downEndpoints.add(e);
    } else this.allDown = down;
  }

  to(endpoint: string): ReceivedPush[] {
    return this.received.filter((r) => r.endpoint === endpoint);
  }

  private handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const endpoint = `${this.url}${req.url ?? '/'}`;
    this.calls.push(endpoint);
    const subscriber = this.subscribers.get(endpoint);
    const refuse = (status: number, reason: string) => {
      this.refused.push(reason);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: status, error: reason }));
    };
    if (req.method !== 'POST' || !subscriber) return void res.writeHead(404).end();
    if (this.allDown || this.downEndpoints.has(endpoint)) return void res.writeHead(503).end();
    if (subscriber.gone) return void res.writeHead(410, { 'content-type': 'application/json' }).end('{"code":410,"errno":106}');
    const ttl = Number(req.headers.ttl);
    if (!Number.isInteger(ttl) || ttl < 0) return refuse(400, 'missing TTL');
    if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(400, `content-encoding ${req.headers['content-encoding']}`);
    const vapid = verifyVapid(req.headers.authorization, endpoint, Math.floor(Date.now() / 1000));
    if (typeof vapid === 'string') return refuse(401, vapid);
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(decryptPush(body, subscriber).toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      return refuse(400, `cannot decrypt: ${errorMessage(err)}`);
    }
    this.received.push({
      endpoint,
      payload,
      claims: vapid.claims,
      vapidPublicKey: vapid.publicKey,
      token: vapid.token,
      ttl,
      urgency: typeof req.headers.urgency === 'string' ? req.headers.urgency : undefined,
      receivedAt: Date.now(),
    });
    res.writeHead(201, { location: `${this.url}/m/${this.received.length}` }).end();
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

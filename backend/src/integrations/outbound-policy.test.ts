/**
 * The outbound-address policy against what an attacker would write. Every refusal is checked on
 * the address itself (strings, a resolver stub): no test sends anything to a non-loopback address.
 * Connections go only to a server on 127.0.0.1, reached under a name the stub resolves.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundAddressRefused, OutboundPolicy, refusedAddress, type Resolver } from './outbound-policy';

/** Every spelling of an address the server must not reach (loopback included: no opt-in here). */
const FORBIDDEN = [
  '127.0.0.1',
  '2130706433', // 127.0.0.1 in decimal
  '0177.0.0.1', // octal
  '0x7f000001', // hex
  '0x7f.1', // hex, short
  '127.1', // short
  '0', // 0.0.0.0
  '0.0.0.0',
  '10.0.0.1',
  '172.16.0.1',
  '172.31.255.254',
  '192.168.1.1',
  '169.254.169.254', // cloud metadata
  '100.64.0.1', // carrier-grade NAT
  '224.0.0.1',
  '255.255.255.255',
  '::1',
  '[::1]',
  '::',
  'fe80::1',
  'fc00::1',
  'fd12:3456::1',
  '::ffff:127.0.0.1', // IPv4-mapped
  '::ffff:7f00:1',
  '::ffff:a9fe:a9fe', // ::ffff:169.254.169.254
  '::127.0.0.1', // IPv4-compatible
  '::a00:1', // ::10.0.0.1
  '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
  'ff02::1',
];

describe('addresses', () => {
  it('refuses loopback, private, link-local, CGNAT, unspecified and IPv4-in-IPv6 forms, however they are spelled', () => {
    const allowed = FORBIDDEN.filter((ip) => refusedAddress(ip) === undefined);
    expect(allowed).toEqual([]);
    expect(refusedAddress('2130706433')).toBe('a loopback address');
    expect(refusedAddress('169.254.169.254')).toBe('a linkLocal address');
    expect(refusedAddress('::ffff:10.0.0.1')).toBe('an IPv4 address in IPv6 form');
    expect(refusedAddress('0')).toBe('an unspecified address');
    expect(refusedAddress('::')).toBe('an unspecified address');
  });

  it('accepts public unicast addresses, and loopback only with the tests opt-in', () => {
    for (const ip of ['142.250.74.10', '2a00:1450:4001:82b::200a', '17.57.146.20']) expect(refusedAddress(ip), ip).toBeUndefined();
    expect(refusedAddress('127.0.0.1', true)).toBeUndefined();
    expect(refusedAddress('::1', true)).toBeUndefined();
    expect(refusedAddress('10.0.0.1', true)).toBe('a private address');
  });
});

describe('push endpoints as written', () => {
  const policy = new OutboundPolicy({ connectTimeoutMs: 1000 });
  const refusal = (endpoint: string) => {
    try {
      policy.checkPushEndpoint(endpoint);
      return undefined;
    } catch (err) {
      expect(err).toBeInstanceOf(OutboundAddressRefused);
      expect((err as OutboundAddressRefused).status).toBe(400);
      return (err as OutboundAddressRefused).message;
    }
  };

  it('accepts the push services browsers use, and names the breaker after the allow-list entry', () => {
    expect(policy.checkPushEndpoint('https://fcm.googleapis.com/fcm/send/abc:def').service).toBe('fcm.googleapis.com');
    expect(policy.checkPushEndpoint('https://updates.push.services.mozilla.com/wpush/v2/gAAA').service).toBe(
      'updates.push.services.mozilla.com',
    );
    expect(policy.checkPushEndpoint('https://web.push.apple.com/QGx').service).toBe('*.push.apple.com');
    expect(policy.checkPushEndpoint('https://wns2-by3p.notify.windows.com/w/?token=AwY').service).toBe('*.notify.windows.com');
    expect(policy.checkPushEndpoint('https://FCM.googleapis.com:443/fcm/send/x').service).toBe('fcm.googleapis.com');
  });

  it('refuses every other host, scheme, port and the IP literal forms', () => {
    for (const host of FORBIDDEN) {
      const literal = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
      expect(refusal(`https://${literal}/fcm/send/x`), host).toMatch(/IP address|not a URL/);
    }
    expect(refusal('https://8.8.8.8/x')).toContain('IP address');
    expect(refusal('http://fcm.googleapis.com/fcm/send/x')).toContain('https');
    expect(refusal('https://fcm.googleapis.com:8443/fcm/send/x')).toContain('port 443');
    expect(refusal('https://user:pw@fcm.googleapis.com/fcm/send/x')).toContain('credentials');
    expect(refusal('https://push.apple.com.attacker.example/x')).toContain('not a known push service');
    expect(refusal('https://evilpush.apple.com/x')).toContain('not a known push service');
    expect(refusal('https://push.apple.com/x')).toContain('not a known push service');
    expect(refusal('https://metadata.google.internal/computeMetadata/v1/')).toContain('not a known push service');
    expect(refusal('http://127.0.0.1:4000/api/v1/auth/login')).toContain('https');
    expect(refusal('http://localhost:4000/x')).toContain('https');
  });

  it('takes more push services from WEB_PUSH_HOSTS, and loopback only with the tests opt-in', () => {
    const extended = new OutboundPolicy({ connectTimeoutMs: 1000, extraPushHosts: ['push.example.org', '*.push.example.net'] });
    expect(extended.checkPushEndpoint('https://push.example.org/x').service).toBe('push.example.org');
    expect(extended.checkPushEndpoint('https://eu.push.example.net/x').service).toBe('*.push.example.net');
    const tests = new OutboundPolicy({ connectTimeoutMs: 1000, allowLoopback: true });
    expect(tests.checkPushEndpoint('http://127.0.0.1:8080/push/1').service).toBe('127.0.0.1:8080');
    expect(tests.checkPushEndpoint('http://[::1]:8080/push/1').service).toBe('[::1]:8080');
    expect(() => tests.checkPushEndpoint('http://10.0.0.1/push/1')).toThrow(OutboundAddressRefused);
  });
});

describe('the address connected to', () => {
  /** A stub resolver: the answers an attacker's DNS would give. */
  const stub =
    (answers: Record<string, string[]>): Resolver =>
    (hostname) =>
      Promise.resolve((answers[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  const lookup = (policy: OutboundPolicy, hostname: string, all = true) =>
    new Promise<unknown>((resolve, reject) =>
      policy.lookup(hostname, { all }, (err, address, family) => (err ? reject(err) : resolve(all ? address : { address, family }))),
    );

  it('refuses a name that resolves to a forbidden address, or to one among public ones', async () => {
    const policy = new OutboundPolicy({
      connectTimeoutMs: 1000,
      resolve: stub({
        'fcm.googleapis.com': ['142.250.74.10', '10.1.2.3'],
        'web.push.apple.com': ['::ffff:169.254.169.254'],
        'wns.notify.windows.com': ['fd00::5'],
        'updates.push.services.mozilla.com': ['34.117.65.55'],
      }),
    });
    await expect(lookup(policy, 'fcm.googleapis.com')).rejects.toThrow('resolves to a private address');
    await expect(lookup(policy, 'web.push.apple.com')).rejects.toThrow('IPv4 address in IPv6 form');
    await expect(lookup(policy, 'wns.notify.windows.com', false)).rejects.toThrow('uniqueLocal');
    expect(await lookup(policy, 'updates.push.services.mozilla.com')).toEqual([{ address: '34.117.65.55', family: 4 }]);
    expect(await lookup(policy, 'updates.push.services.mozilla.com', false)).toEqual({ address: '34.117.65.55', family: 4 });
  });

  describe('through the dispatcher', () => {
    let server: http.Server;
    let port: number;
    const seen: string[] = [];

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        seen.push(req.url ?? '');
        res.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const get = async (policy: OutboundPolicy, url: string) => {
      try {
        const res = await fetch(url, { dispatcher: policy.dispatcher } as RequestInit);
        return `${res.status} ${await res.text()}`;
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        return `${cause?.code}: ${cause?.message}`;
      }
    };

    it('refuses a name rebound to the loopback, and the loopback by IP, before any byte reaches it', async () => {
      // The name passed as written; at connect time the attacker's DNS answers 127.0.0.1.
      const rebound = new OutboundPolicy({ connectTimeoutMs: 1000, resolve: stub({ 'push.rebind.test': ['127.0.0.1'] }) });
      try {
        expect(await get(rebound, `http://push.rebind.test:${port}/wpush/1`)).toMatch(
          /^ERR_OUTBOUND_ADDRESS_REFUSED: refused to connect to push.rebind.test: it resolves to a loopback address/,
        );
        expect(await get(rebound, `http://127.0.0.1:${port}/wpush/2`)).toMatch(/^ERR_OUTBOUND_ADDRESS_REFUSED: .*loopback/);
        expect(await get(rebound, `http://2130706433:${port}/wpush/3`)).toMatch(/^ERR_OUTBOUND_ADDRESS_REFUSED: .*loopback/);
        expect(await get(rebound, `http://[::ffff:127.0.0.1]:${port}/wpush/4`)).toMatch(/^ERR_OUTBOUND_ADDRESS_REFUSED: /);
        expect(seen).toEqual([]);
      } finally {
        await rebound.close();
      }
      // The same connections with the tests' opt-in arrive: the refusals above were the policy's.
      const optedIn = new OutboundPolicy({
        connectTimeoutMs: 1000,
        allowLoopback: true,
        resolve: stub({ 'push.rebind.test': ['127.0.0.1'] }),
      });
      try {
        expect(await get(optedIn, `http://push.rebind.test:${port}/wpush/5`)).toBe('200 ok');
        expect(await get(optedIn, `http://127.0.0.1:${port}/wpush/6`)).toBe('200 ok');
        expect(seen).toEqual(['/wpush/5', '/wpush/6']);
      } finally {
        await optedIn.close();
      }
    });
  });
});

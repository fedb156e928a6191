/**
 * The outbound-address policy: what the server agrees to connect to when someone who is not an
 * administrator chooses the address. Today that is a member's Web Push endpoint (the push service
 * URL their browser was given); anything a member may point the server at later goes through here
 * too. Admin-configured upstreams (Plex, Overseerr, channel webhooks) are not members' choices and
 * do not pass through it.
 *
 * Two checks, because a name that was fine when it was stored can resolve elsewhere later:
 *
 * 1. The address as written (`checkPushEndpoint`): `https`, port 443, no credentials, and a host on
 *    the allow-list of push services — Google FCM, Mozilla autopush, Apple, Windows WNS, plus
 *    `WEB_PUSH_HOSTS`. An IP literal is never a push service (decimal `2130706433`, octal `0177.1`,
 *    hex `0x7f000001` and short `127.1` are IP literals too: the WHATWG URL parser turns them into
 *    `127.0.0.1` before the host is compared).
 * 2. The address actually connected to (`dispatcher`): the undici connector resolves the name
 *    through `lookup` and refuses loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
 *    link-local (169.254/16, fe80::/10), carrier-grade NAT (100.64/10), unspecified, multicast,
 *    reserved and IPv4-mapped/compatible/translated IPv6 forms before a socket is opened, and
 *    checks the socket's peer once more after it connected. DNS rebinding (a name that answers a
 *    public address when checked and 127.0.0.1 when used) therefore meets the second check.
 *
 * `WEB_PUSH_ALLOW_LOOPBACK` (tests only, refused outside NODE_ENV=test) lets both checks accept
 * plain `http` to 127.0.0.0/8, `localhost` and `[::1]`, where the tests' push service listens.
 */
import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Agent, buildConnector } from 'undici';
import { undici } from './undici';
import { AppError } from '../errors';
import { logger } from '../observability/logging/logger';

/** The push services browsers subscribe with: Chrome/Edge (FCM), Firefox (autopush), Safari (Apple), Windows (WNS). */
export const DEFAULT_PUSH_HOSTS = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  '*.push.services.mozilla.com',
  '*.push.apple.com',
  '*.notify.windows.com',
] as const;

/** Resolves a host name to every address it has (the system resolver unless a test gives a stub). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** A member-chosen address the policy does not allow; a 400 naming the field. */
export class OutboundAddressRefused extends AppError {
  constructor(field: string, reason: string) {
    super(400, 'VALIDATION_FAILED', `The ${field} is not allowed: ${reason}`, { details: [{ path: field, message: reason }] });
    this.name = 'OutboundAddressRefused';
  }
}

/** Thrown inside the connector: carries a code, so the HTTP client reports it as a network error naming the cause. */
class ConnectRefused extends Error {
  readonly code = 'ERR_OUTBOUND_ADDRESS_REFUSED';
  constructor(host: string, reason: string) {
    super(`refused to connect to ${host}: ${reason}`);
    this.name = 'ConnectRefused';
  }
}

const bare = (host: string) => host.replace(/^\[|\]$/g, '');

/**
 * The IP address a host string stands for, in canonical form, or undefined for a name. Every
 * IPv4 spelling the URL parser accepts (decimal, octal, hex, 1-3 parts) counts as the address it means.
 */
export function ipOf(host: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const h = bare(host.trim());
  if (h.includes(':')) return ipaddr.IPv6.isValid(h) ? ipaddr.IPv6.parse(h) : undefined;
  let canonical: string;
  try {
    canonical = new URL(`http://${h}/`).hostname;
  } catch {
    return undefined;
  }
  return net.isIPv4(canonical) ? ipaddr.IPv4.parse(canonical) : undefined;
}

/** 2000::/3, the only IPv6 block handed out as global unicast. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Why the server must not connect to `ip` (undefined: a public unicast address). Loopback is
 * allowed only with `allowLoopback` (tests).
 */
export function refusedAddress(ip: string | ipaddr.IPv4 | ipaddr.IPv6, allowLoopback = false): string | undefined {
  const addr = typeof ip === 'string' ? ipOf(ip) : ip;
  if (!addr) return 'not an IP address';
  const range = addr.range();
  if (range === 'loopback') return allowLoopback ? undefined : 'a loopback address';
  if (range === 'unspecified') return 'an unspecified address';
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    // ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d and friends reach an IPv4 address by another name.
    if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052' || v6.parts.slice(0, 6).every((p) => p === 0))
      return 'an IPv4 address in IPv6 form';
    if (range !== 'unicast' || !v6.match(GLOBAL_UNICAST_V6)) return `a ${range === 'unicast' ? 'non-global' : range} address`;
    return undefined;
  }
  return range === 'unicast' ? undefined : `a ${range} address`;
}

/** `fcm.googleapis.com` matches itself; `*.push.apple.com` matches every name below push.apple.com. */
function matchesHost(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}

const isLoopbackName = (host: string) => host === 'localhost' || refusedAddress(host) === 'a loopback address';

export interface OutboundPolicyOptions {
  /** Push service hosts on top of DEFAULT_PUSH_HOSTS (`WEB_PUSH_HOSTS`). */
  extraPushHosts?: readonly string[];
  /** Tests only: plain http to the loopback, and loopback peers (`WEB_PUSH_ALLOW_LOOPBACK`). */
  allowLoopback?: boolean;
  /** Connection and first-byte timeout of the dispatcher. */
  connectTimeoutMs: number;
  resolve?: Resolver;
}

export interface CheckedEndpoint {
  url: URL;
  /**
   * The allow-list entry the host matched (`*.push.apple.com`), or the loopback origin in tests:
   * the key of the push origin's circuit breaker, bounded by the allow-list whatever members send.
   */
  service: string;
}

export class OutboundPolicy {
  readonly pushHosts: readonly string[];
  readonly allowLoopback: boolean;
  private readonly resolve: Resolver;
  private agent: Agent | undefined;

  constructor(private readonly options: OutboundPolicyOptions) {
    this.pushHosts = [...DEFAULT_PUSH_HOSTS, ...(options.extraPushHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean)];
    this.allowLoopback = options.allowLoopback ?? false;
    this.resolve = options.resolve ?? systemResolver;
  }

  /** Checks a member's push endpoint as written; throws OutboundAddressRefused (400, field `endpoint`). */
  checkPushEndpoint(endpoint: string): CheckedEndpoint {
    const refuse = (reason: string) => new OutboundAddressRefused('endpoint', reason);
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw refuse('it is not a URL');
    }
    if (url.username || url.password) throw refuse('it carries credentials');
    const host = url.hostname.toLowerCase();
    if (this.allowLoopback && isLoopbackName(host) && (url.protocol === 'http:' || url.protocol === 'https:'))
      return { url, service: url.host };
    if (url.protocol !== 'https:') throw refuse('a push service is reached over https://');
    if (url.port !== '' && url.port !== '443') throw refuse('a push service listens on port 443');
    if (ipOf(host)) throw refuse(`an IP address (${refusedAddress(host) ?? 'a public address'}) is not a push service`);
    const service = this.pushHosts.find((pattern) => matchesHost(pattern, host));
    if (!service) throw refuse(`${host} is not a known push service (the admin can add it with WEB_PUSH_HOSTS)`);
    return { url, service };
  }

  /**
   * Resolves like dns.lookup, then refuses the whole answer when any address is one the server
   * must not reach (a name that also answers 10.0.0.1 is not trusted with its other addresses).
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname)
      .then((answers) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = answers.filter((a) => family === undefined || a.family === family);
        if (usable.length === 0) throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
        for (const a of usable) {
          const reason = refusedAddress(a.address, this.allowLoopback);
          if (reason) throw this.refused(hostname, `it resolves to ${reason}`);
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
  };

  /** The connection pool for member-chosen addresses: every connection passes `lookup` and a peer check. */
  get dispatcher(): Agent {
    this.agent ??= new (undici().Agent)({ connect: this.connector(), headersTimeout: this.options.connectTimeoutMs, bodyTimeout: 0 });
    return this.agent;
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }

  private connector(): buildConnector.connector {
    const base = undici().buildConnector({ timeout: this.options.connectTimeoutMs, lookup: this.lookup });
    return (opts, callback) => {
      const host = bare(opts.hostname);
      // An IP literal never goes through lookup: checked here, before any socket exists.
      const literal = ipOf(host);
      const early = literal ? refusedAddress(literal, this.allowLoopback) : undefined;
      if (early) {
        callback(this.refused(host, `it is ${early}`), null);
        return;
      }
      base(opts, (err, socket) => {
        if (err || !socket) return callback(err ?? new Error('no socket'), null);
        // The peer actually connected to, whatever path led there.
        const reason = refusedAddress(socket.remoteAddress ?? '', this.allowLoopback);
        if (reason) {
          socket.destroy();
          return callback(this.refused(host, `its peer is ${reason}`), null);
        }
        callback(null, socket);
      });
    };
  }

  private refused(host: string, reason: string): ConnectRefused {
    logger().warn({ event: 'outbound.refused', host, reason }, `Refused to connect to ${host}: ${reason}`);
    return new ConnectRefused(host, reason);
  }
}

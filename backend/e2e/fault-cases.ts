/**
 * The upstream fault catalogue for whole-system runs: the fake upstreams
 * behind TCP proxies, addressed by host names a simulated resolver answers
 * with loopback addresses (so "unresolvable host" never sends a DNS query
 * off the machine), and one named case per fault shape. The monitoring
 * stack test runs the cases at fast intervals and `npm run drill` at
 * production ones; both check that the alert reaches MediaNest's webhook
 * and that MediaNest recovers without a restart.
 *
 * Consecutive cases hit different upstreams, so that Alertmanager's
 * grouping (by alertname and service) never holds one case's notification
 * back behind the previous case's. The stack test runs each upstream's
 * cases in order and the three upstreams side by side; the drill runs them
 * all in order.
 */
import { fakeDns, type FakeDns } from '../test/fakes/dns';
import { startUpstreams, type Upstreams } from '../test/fakes/upstreams';
import { startTcpProxy, type TcpProxy } from '../test/tcp-proxy';

export type Upstream = 'overseerr' | 'plex-api' | 'plex-tv';

export interface FaultRig {
  upstreams: Upstreams;
  proxies: Record<Upstream, TcpProxy>;
  dns: FakeDns;
  /** Environment for the MediaNest under test (pass `dns.lookup` as its integrations' lookup). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const HOSTS: Record<Upstream, string> = { overseerr: 'overseerr.test', 'plex-api': 'plex.test', 'plex-tv': 'plextv.test' };

export async function startFaultRig(): Promise<FaultRig> {
  const upstreams = await startUpstreams();
  const port = (url: string) => Number(new URL(url).port);
  const proxies: Record<Upstream, TcpProxy> = {
    overseerr: await startTcpProxy('127.0.0.1', port(upstreams.overseerr.url)),
    'plex-api': await startTcpProxy('127.0.0.1', port(upstreams.plex.url)),
    'plex-tv': await startTcpProxy('127.0.0.1', port(upstreams.plexTv.url)),
  };
  const dns = fakeDns(Object.fromEntries(Object.values(HOSTS).map((h) => [h, '127.0.0.1'])));
  const via = (u: Upstream) => `http://${HOSTS[u]}:${proxies[u].port}`;
  return {
    upstreams,
    proxies,
    dns,
    env: { ...upstreams.env, OVERSEERR_URL: via('overseerr'), PLEX_URL: via('plex-api'), PLEX_TV_URL: via('plex-tv') },
    async stop() {
      await Promise.all(Object.values(proxies).map((p) => p.close()));
      await upstreams.stop();
    },
  };
}

export interface FaultCase {
  name: string;
  upstream: Upstream;
  inject(): Promise<void> | void;
  restore(): Promise<void> | void;
}

/**
 * The eight fault shapes. `timeoutMs` is MediaNest's full upstream timeout
 * ("slow" answers past it); `flapMs` the half-period of the flapping case
 * (about two thirds of the breaker's reset timeout, as 20 s is of 30 s).
 */
export function faultCases(rig: FaultRig, timing: { timeoutMs: number; flapMs: number }): FaultCase[] {
  let flapping: NodeJS.Timeout | undefined;
  return [
    {
      name: 'hang (accepts, never answers)',
      upstream: 'overseerr',
      inject: () => rig.proxies.overseerr.hang(),
      restore: () => rig.proxies.overseerr.restore(),
    },
    {
      name: 'slow (answers past the timeout)',
      upstream: 'plex-api',
      inject: () => rig.upstreams.plex.trickle(timing.timeoutMs + 500),
      restore: () => rig.upstreams.plex.recover(),
    },
    {
      name: 'refused',
      upstream: 'plex-tv',
      inject: () => rig.proxies['plex-tv'].refuse(),
      restore: () => rig.proxies['plex-tv'].restore(),
    },
    {
      name: 'unresolvable host name',
      upstream: 'overseerr',
      inject: async () => {
        await rig.proxies.overseerr.refuse(); // the host is gone with its name: no connection survives
        rig.dns.unresolvable('overseerr.test');
      },
      restore: async () => {
        rig.dns.resolvable('overseerr.test');
        await rig.proxies.overseerr.restore();
      },
    },
    {
      name: 'reset mid-response',
      upstream: 'plex-api',
      inject: () => rig.upstreams.plex.resetMidResponse(),
      restore: () => rig.upstreams.plex.recover(),
    },
    {
      name: '200 with a malformed body',
      upstream: 'plex-tv',
      inject: () => rig.upstreams.plexTv.malformed(),
      restore: () => rig.upstreams.plexTv.recover(),
    },
    {
      name: 'burst of 5xx',
      upstream: 'overseerr',
      inject: () => rig.upstreams.overseerr.failWith(502, { message: 'Bad Gateway' }),
      restore: () => rig.upstreams.overseerr.recover(),
    },
    {
      name: 'flapping (down/up)',
      upstream: 'plex-api',
      inject: () => {
        let down = false;
        const flip = () => {
          down = !down;
          void (down ? rig.proxies['plex-api'].refuse() : rig.proxies['plex-api'].restore());
        };
        flip();
        flapping = setInterval(flip, timing.flapMs);
      },
      restore: async () => {
        clearInterval(flapping);
        await rig.proxies['plex-api'].restore();
      },
    },
  ];
}

let round = 0;

/** What members do that reaches `upstream`: a few calls, one at a time. */
export async function memberTraffic(baseUrl: string, cookie: string, upstream: Upstream): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    round++;
    const res =
      upstream === 'overseerr'
        ? await fetch(`${baseUrl}/api/v1/media/search?q=matrix${round}`, { headers: { cookie } })
        : upstream === 'plex-api'
          ? await fetch(`${baseUrl}/api/v1/plex/search?q=matrix${round}`, { headers: { cookie } })
          : await fetch(`${baseUrl}/api/v1/auth/plex/pin`, { method: 'POST', headers: { 'x-requested-with': 'XMLHttpRequest' } });
    await res.arrayBuffer();
    statuses.push(res.status);
    if (upstream === 'plex-tv') break; // sign-in attempts are rate-limited per client; one per round is plenty
  }
  return statuses;
}

/**
 * Host name resolution for tests, with no packet leaving the machine: names
 * listed in `hosts` resolve to their loopback address, every other name
 * fails exactly the way the system resolver reports an unknown name
 * (`getaddrinfo ENOTFOUND <name>`, code ENOTFOUND). `unresolvable(name)` and
 * `resolvable(name)` switch a name off and on mid-test (a DNS record that
 * disappears and comes back).
 */
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';

export interface FakeDns {
  lookup: LookupFunction;
  unresolvable(name: string): void;
  resolvable(name: string): void;
  /** Names asked for so far. */
  readonly asked: string[];
}

export function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname,
  });
}

export function fakeDns(hosts: Record<string, string>): FakeDns {
  for (const address of Object.values(hosts)) {
    if (!address.startsWith('127.')) throw new Error(`fake DNS answers loopback addresses only, not ${address}`);
  }
  const gone = new Set<string>();
  const asked: string[] = [];
  const lookup = ((hostname: string, options: LookupOneOptions | LookupAllOptions, callback: (...args: unknown[]) => void) => {
    asked.push(hostname);
    const address = gone.has(hostname) ? undefined : hosts[hostname];
    process.nextTick(() => {
      if (!address) return callback(notFound(hostname));
      if ((options as LookupAllOptions).all) return callback(null, [{ address, family: 4 } satisfies LookupAddress]);
      callback(null, address, 4);
    });
  }) as unknown as LookupFunction;
  return {
    lookup,
    asked,
    unresolvable: (name) => void gone.add(name),
    resolvable: (name) => void gone.delete(name),
  };
}

/**
 * TRUST_PROXY → Express's `trust proxy` setting. `true` trusts every hop, so
 * any client can name its own address in X-Forwarded-For and every per-IP
 * limit (sign-in attempts, Plex PINs, browser metrics) counts whatever it
 * claims: start-up says so once. A hop count (`1`) or the proxy's addresses
 * (`loopback`, `10.0.0.2`, `172.16.0.0/12`) trust only the proxy in front.
 */
import { logger } from '../observability/logging/logger';

export type TrustProxy = boolean | number | string;

export function trustProxySetting(value: string): TrustProxy {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** One warning line at start when TRUST_PROXY trusts every hop. */
export function warnIfTrustingEveryProxy(value: string | undefined): void {
  if (value === undefined || trustProxySetting(value) !== true) return;
  logger().warn(
    { event: 'config.trust_proxy_all', setting: 'TRUST_PROXY' },
    'TRUST_PROXY=true trusts X-Forwarded-For from anyone: any client can pick its own IP for every per-IP limit. ' +
      'Set the number of proxies in front (TRUST_PROXY=1) or their addresses (TRUST_PROXY=loopback or 10.0.0.2) instead',
  );
}

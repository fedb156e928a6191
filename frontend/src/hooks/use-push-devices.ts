/**
 * Web Push on this device (GET /api/v1/notifications/push): whether this
 * browser can subscribe, which listed device it is, and the actions — enable
 * (permission, subscribe, POST …/push/subscriptions), disable (POST
 * …/push/unsubscribe) and remove a device (DELETE …/push/subscriptions/:id).
 * A browser subscribed before is registered again on load: the server may
 * have dropped an expired subscription.
 */
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { PushState } from '../api/notifications';
import { i18next } from '../i18n';
import { currentEnvironment, currentSubscription, deviceLabel, pushSupport, subscribe, subscriptionBody } from '../utils/web-push';
import { useApiData } from './use-api-data';

const t = (key: string, values: Record<string, string> = {}) => i18next.t(key, values);

/** Why the browser would not subscribe, in words. */
export function refusalMessage(err: unknown): string {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError') return t('notifications:push.notAllowed');
  if (name === 'AbortError' || name === 'NotSupportedError') return t('notifications:push.unreachable', { reason: errorMessage(err) });
  return errorMessage(err);
}

async function register(subscription: PushSubscription) {
  return api.post('/api/v1/notifications/push/subscriptions', {
    ...subscriptionBody(subscription),
    label: deviceLabel(navigator.userAgent),
  });
}

export function usePushDevices() {
  const state = useApiData(async (signal) => api.get('/api/v1/notifications/push', undefined, signal), []);
  const [support] = useState(() => pushSupport(currentEnvironment()));
  /** The id of this browser's device; null when it is not subscribed, undefined while checking. */
  const [thisDevice, setThisDevice] = useState<number | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const publicKey = state.data?.publicKey ?? null;

  useEffect(() => {
    if (support !== 'supported' || !publicKey) return;
    let cancelled = false;
    void (async () => {
      try {
        const existing = await currentSubscription();
        if (!existing || Notification.permission !== 'granted') return void (cancelled || setThisDevice(null));
        const body = await register(existing);
        if (!cancelled) {
          setThisDevice(body.device.id);
          state.setData(body);
        }
      } catch {
        if (!cancelled) setThisDevice(null);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [support, publicKey]);

  const act = async (what: () => Promise<PushState>, message: string) => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      state.setData(await what());
      setDone(message);
    } catch (err) {
      setError(refusalMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const enable = () =>
    act(async () => {
      if (Notification.permission === 'denied') throw new Error(t('notifications:push.blocked'));
      const permission = await Notification.requestPermission();
      if (permission !== 'granted')
        throw new Error(permission === 'denied' ? t('notifications:push.blocked') : t('notifications:push.notGranted'));
      const body = await register(await subscribe(publicKey!));
      setThisDevice(body.device.id);
      return body;
    }, t('notifications:push.on'));

  const disable = () =>
    act(async () => {
      const subscription = await currentSubscription();
      if (subscription) await subscription.unsubscribe();
      setThisDevice(null);
      if (!subscription) return api.get('/api/v1/notifications/push');
      return api.post('/api/v1/notifications/push/unsubscribe', { endpoint: subscription.endpoint });
    }, t('notifications:push.offHere'));

  const remove = (id: number) =>
    act(async () => {
      if (id === thisDevice) {
        await (await currentSubscription())?.unsubscribe();
        setThisDevice(null);
      }
      return api.delete('/api/v1/notifications/push/subscriptions/:id', { id });
    }, t('notifications:push.removed'));

  return { state, support, publicKey, thisDevice, busy, error, done, enable, disable, remove };
}

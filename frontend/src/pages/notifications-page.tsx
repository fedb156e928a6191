/**
 * /notifications: what I want to hear about, per channel the admin set up
 * (GET /api/v1/notifications/preferences, PATCH …/preferences/:channelId),
 * my own address where the channel uses one (e-mail, ntfy topic), and on a
 * Web Push channel, push on this device (GET /api/v1/notifications/push,
 * POST …/push/subscriptions, POST …/push/unsubscribe, DELETE …/push/subscriptions/:id).
 */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, messageOf } from '../api/client';
import { EVENT_LABELS, KIND_LABELS, type ChannelPreference, type NotificationEvent, type PushState } from '../api/notifications';
import { EmptyState, ErrorMessage, Notice, SkeletonRows } from '../components/feedback';
import { Page } from '../components/page';
import { useApiData } from '../hooks/use-api-data';
import {
  currentEnvironment,
  currentSubscription,
  deviceLabel,
  pushSupport,
  subscribe,
  subscriptionBody,
  SUPPORT_MESSAGES,
} from '../utils/web-push';

/** Why the browser would not subscribe, in words. */
function refusalMessage(err: unknown): string {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError')
    return 'Your browser did not allow notifications for MediaNest. Allow them in the site settings, then try again.';
  if (name === 'AbortError' || name === 'NotSupportedError')
    return `Your browser could not reach its push service (${messageOf(err)}). Try again later.`;
  return messageOf(err);
}

/** Push on this device: enable (permission, subscribe, register with the server), disable, and the member's other devices. */
function PushDevices() {
  const state = useApiData(async (signal) => api.get('/api/v1/notifications/push', undefined, signal), []);
  const [support] = useState(() => pushSupport(currentEnvironment()));
  const [thisDevice, setThisDevice] = useState<number | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const publicKey = state.data?.publicKey ?? null;

  // A browser subscribed before: tell the server again (it may have dropped an expired one) and learn which listed device this is.
  useEffect(() => {
    if (support !== 'supported' || !publicKey) return;
    let cancelled = false;
    void (async () => {
      try {
        const existing = await currentSubscription();
        if (!existing || Notification.permission !== 'granted') return void (cancelled || setThisDevice(null));
        const body = await api.post('/api/v1/notifications/push/subscriptions', {
          ...subscriptionBody(existing),
          label: deviceLabel(navigator.userAgent),
        });
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

  const act = async (what: () => Promise<PushState & { device?: { id: number } }>, message: string) => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const next = await what();
      state.setData(next);
      setDone(message);
    } catch (err) {
      setError(refusalMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const enable = () =>
    act(async () => {
      if (Notification.permission === 'denied')
        throw new Error('Notifications are blocked for MediaNest in this browser. Allow them in the site settings, then try again.');
      const permission = await Notification.requestPermission();
      if (permission !== 'granted')
        throw new Error(
          permission === 'denied'
            ? 'Notifications are blocked for MediaNest in this browser. Allow them in the site settings, then try again.'
            : 'You did not allow notifications, so push is still off on this device.',
        );
      const subscription = await subscribe(publicKey!);
      const body = await api.post('/api/v1/notifications/push/subscriptions', {
        ...subscriptionBody(subscription),
        label: deviceLabel(navigator.userAgent),
      });
      setThisDevice(body.device.id);
      return body;
    }, 'Push notifications are on for this device.');

  const disable = () =>
    act(async () => {
      const subscription = await currentSubscription();
      if (subscription) await subscription.unsubscribe();
      setThisDevice(null);
      if (!subscription) return api.get('/api/v1/notifications/push');
      return api.post('/api/v1/notifications/push/unsubscribe', { endpoint: subscription.endpoint });
    }, 'Push notifications are off for this device.');

  const remove = (id: number) =>
    act(async () => {
      if (id === thisDevice) {
        await (await currentSubscription())?.unsubscribe();
        setThisDevice(null);
      }
      return api.delete('/api/v1/notifications/push/subscriptions/:id', { id });
    }, 'Device removed.');

  if (state.loading) return <SkeletonRows count={1} label="Loading your devices" />;
  if (state.error || !state.data) return <ErrorMessage message={state.error ?? 'Could not load your devices'} onRetry={state.reload} />;
  const subscribed = typeof thisDevice === 'number';
  return (
    <div className="push-devices">
      <h3>Push on this device</h3>
      {support !== 'supported' ? (
        <Notice tone="warning">{SUPPORT_MESSAGES[support]}</Notice>
      ) : !publicKey ? (
        <Notice tone="warning">Push notifications are turned off on this server.</Notice>
      ) : (
        <div className="form-buttons">
          {thisDevice === undefined ? (
            <span className="muted" role="status">
              Checking this device…
            </span>
          ) : subscribed ? (
            <button type="button" className="button" disabled={busy} onClick={() => void disable()}>
              Turn off push notifications on this device
            </button>
          ) : (
            <button type="button" className="button button-primary" disabled={busy} onClick={() => void enable()}>
              Enable push notifications on this device
            </button>
          )}
        </div>
      )}
      {done && <Notice tone="success">{done}</Notice>}
      {error && <ErrorMessage message={error} />}
      {state.data.devices.length > 0 && (
        <ul className="push-device-list" aria-label="Devices receiving push notifications">
          {state.data.devices.map((d) => (
            <li key={d.id}>
              <span>
                {d.label}
                {d.id === thisDevice && <span className="muted"> (this device)</span>}
                <span className="muted"> · since {new Date(d.createdAt).toLocaleDateString()}</span>
              </span>
              <button type="button" className="button button-small" disabled={busy} onClick={() => void remove(d.id)}>
                Remove {d.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ChannelChoices({
  pref,
  events,
  onSaved,
  children,
}: {
  pref: ChannelPreference;
  events: readonly NotificationEvent[];
  onSaved: (p: ChannelPreference) => void;
  children?: ReactNode;
}) {
  const [chosen, setChosen] = useState<NotificationEvent[]>(pref.events);
  const [address, setAddress] = useState(pref.address ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const idPrefix = useId();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const body = await api.patch(
        '/api/v1/notifications/preferences/:channelId',
        { events: chosen, address: address.trim() || null },
        { channelId: pref.channelId },
      );
      onSaved(body.channels.find((c) => c.channelId === pref.channelId) ?? { ...pref, events: chosen, address: address.trim() || null });
      setSaved(true);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${idPrefix}-heading`}>
      <h2 id={`${idPrefix}-heading`}>
        {pref.name} <span className="muted">({KIND_LABELS[pref.kind]})</span>
      </h2>
      <form className="form" onSubmit={save}>
        <fieldset>
          <legend>Tell me when</legend>
          {events.map((e) => (
            <div className="field field-check" key={e}>
              <input
                id={`${idPrefix}-${e}`}
                type="checkbox"
                checked={chosen.includes(e)}
                onChange={(ev) => setChosen((list) => (ev.target.checked ? [...list, e] : list.filter((x) => x !== e)))}
              />
              <label htmlFor={`${idPrefix}-${e}`}>{EVENT_LABELS[e] ?? e}</label>
            </div>
          ))}
        </fieldset>
        {pref.addressKind && (
          <div className="field field-wide">
            <label htmlFor={`${idPrefix}-address`}>
              {pref.addressKind === 'email' ? 'Send to this e-mail address' : 'My own ntfy topic'}
            </label>
            <input
              id={`${idPrefix}-address`}
              type={pref.addressKind === 'email' ? 'email' : 'text'}
              value={address}
              placeholder={pref.defaultAddress ? `${pref.defaultAddress} (default)` : undefined}
              onChange={(e) => setAddress(e.target.value)}
            />
            {pref.addressPending && (
              <p className="muted" role="status">
                Waiting for confirmation: open the link we sent to {pref.address} while signed in. Nothing is sent there until then.
              </p>
            )}
          </div>
        )}
        <div className="form-buttons">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          {saved && (
            <span role="status" className="muted">
              Saved
            </span>
          )}
        </div>
        {error && <ErrorMessage message={error} />}
      </form>
      {children}
    </section>
  );
}

export function NotificationsPage() {
  const prefs = useApiData(async (signal) => api.get('/api/v1/notifications/preferences', undefined, signal), []);
  const data = prefs.data;
  return (
    <Page title="Notifications" ready={!prefs.loading}>
      {new URLSearchParams(window.location.search).get('address') === 'confirmed' && (
        <Notice tone="success">Your e-mail address is confirmed: notifications go there from now on.</Notice>
      )}
      <Notice>
        Choose what you hear about on each channel. Nothing is sent until you tick something. To hear about a title someone else requested,
        find it on Discover and choose “Notify me too”.
      </Notice>
      {prefs.loading ? (
        <SkeletonRows count={3} label="Loading your notification settings" />
      ) : prefs.error || !data ? (
        <ErrorMessage message={prefs.error ?? 'Could not load your settings'} onRetry={prefs.reload} />
      ) : data.channels.length === 0 ? (
        <EmptyState>The server has no notification channels yet.</EmptyState>
      ) : (
        data.channels.map((c) => (
          <ChannelChoices
            key={c.channelId}
            pref={c}
            events={data.events}
            onSaved={(saved) =>
              prefs.setData((d) => (d ? { ...d, channels: d.channels.map((x) => (x.channelId === saved.channelId ? saved : x)) } : d))
            }
          >
            {c.kind === 'webpush' && <PushDevices />}
          </ChannelChoices>
        ))
      )}
    </Page>
  );
}

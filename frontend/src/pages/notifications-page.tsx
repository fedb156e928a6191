/**
 * /notifications: what I want to hear about, per channel the admin set up
 * (GET /api/v1/notifications/preferences, PATCH …/preferences/:channelId),
 * and my own address where the channel uses one (e-mail, ntfy topic).
 */
import { useId, useState, type FormEvent } from 'react';
import { api, messageOf } from '../api/client';
import { EVENT_LABELS, KIND_LABELS, type ChannelPreference, type NotificationEvent } from '../api/notifications';
import { EmptyState, ErrorMessage, Notice, SkeletonRows } from '../components/feedback';
import { Page } from '../components/page';
import { useApiData } from '../hooks/use-api-data';

function ChannelChoices({
  pref,
  events,
  onSaved,
}: {
  pref: ChannelPreference;
  events: readonly NotificationEvent[];
  onSaved: (p: ChannelPreference) => void;
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
    </section>
  );
}

export function NotificationsPage() {
  const prefs = useApiData(async (signal) => api.get('/api/v1/notifications/preferences', undefined, signal), []);
  const data = prefs.data;
  return (
    <Page title="Notifications" ready={!prefs.loading}>
      <Notice>
        Choose what you hear about on each channel. Nothing is sent until you tick something. To hear about someone else's request, open it
        and choose “Notify me too”.
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
          />
        ))
      )}
    </Page>
  );
}

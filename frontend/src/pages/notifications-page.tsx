/**
 * /notifications: what I want to hear about, per channel the admin set up
 * (GET /api/v1/notifications/preferences, PATCH …/preferences/:channelId),
 * my own address where the channel uses one (e-mail, ntfy topic), and on a
 * Web Push channel, push on this device (GET /api/v1/notifications/push,
 * POST …/push/subscriptions, POST …/push/unsubscribe, DELETE …/push/subscriptions/:id).
 */
import { api } from '../api/client';
import { EmptyState, ErrorMessage, Notice, SkeletonRows } from '../components/feedback';
import { ChannelChoices } from '../components/notifications/channel-choices';
import { PushDevices } from '../components/notifications/push-devices';
import { Page } from '../components/page';
import { useApiData } from '../hooks/use-api-data';

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
          >
            {c.kind === 'webpush' && <PushDevices />}
          </ChannelChoices>
        ))
      )}
    </Page>
  );
}

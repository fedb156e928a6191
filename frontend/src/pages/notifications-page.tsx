/**
 * /notifications: what I want to hear about, per channel the admin set up
 * (GET /api/v1/notifications/preferences, PATCH …/preferences/:channelId),
 * my own address where the channel uses one (e-mail, ntfy topic), and on a
 * Web Push channel, push on this device (GET /api/v1/notifications/push,
 * POST …/push/subscriptions, POST …/push/unsubscribe, DELETE …/push/subscriptions/:id).
 */
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { EmptyState, ErrorMessage, Notice, SkeletonRows } from '../components/feedback';
import { ChannelChoices } from '../components/notifications/channel-choices';
import { PushDevices } from '../components/notifications/push-devices';
import { Page } from '../components/page';
import { useApiData } from '../hooks/use-api-data';

export function NotificationsPage() {
  const { t } = useTranslation('notifications');
  const prefs = useApiData(async (signal) => api.get('/api/v1/notifications/preferences', undefined, signal), []);
  const data = prefs.data;
  return (
    <Page title={t('title')} ready={!prefs.loading}>
      {new URLSearchParams(window.location.search).get('address') === 'confirmed' && <Notice tone="success">{t('confirmed')}</Notice>}
      <Notice>{t('intro')}</Notice>
      {prefs.loading ? (
        <SkeletonRows count={3} label={t('loading')} />
      ) : prefs.error || !data ? (
        <ErrorMessage message={prefs.error ?? t('loadFailed')} onRetry={prefs.reload} />
      ) : data.channels.length === 0 ? (
        <EmptyState>{t('none')}</EmptyState>
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

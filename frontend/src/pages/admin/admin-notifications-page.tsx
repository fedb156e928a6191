/**
 * /admin/notifications: the channels messages go out on — add, edit, enable or
 * disable, remove, and "Send test" (GET/POST /api/v1/admin/notifications/channels,
 * PATCH/DELETE …/:id, POST …/:id/test). Secrets are write-only: the server
 * only says whether each one is set.
 */
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { AddChannel } from '../../components/admin/add-channel';
import { ChannelRow } from '../../components/admin/channel-row';
import { Notice } from '../../components/feedback';
import { EditableRowsPanel } from '../../components/editable-row';
import { Page } from '../../components/page';
import { useApiData } from '../../hooks/use-api-data';

export function AdminNotificationsPage() {
  const { t } = useTranslation('admin');
  const channels = useApiData(async (signal) => (await api.get('/api/v1/admin/notifications/channels', undefined, signal)).channels, []);

  return (
    <Page title={t('home.tools.notifications.title')} ready={!channels.loading} back={<Link to="/admin">← {t('home.title')}</Link>}>
      <Notice>
        <Trans t={t} i18nKey="channel.intro" components={{ go: <Link to="/notifications" /> }} />
      </Notice>
      <AddChannel onAdded={(created) => channels.setData((list) => (list ? [...list, created] : list))} />
      <EditableRowsPanel
        heading={t('channel.listHeading')}
        list={channels}
        loadingLabel={t('channel.loading')}
        empty={t('channel.none')}
        row={(c, onSaved, onDeleted) => <ChannelRow key={c.id} channel={c} onSaved={onSaved} onDeleted={onDeleted} />}
      />
    </Page>
  );
}

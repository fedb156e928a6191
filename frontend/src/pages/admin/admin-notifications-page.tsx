/**
 * /admin/notifications: the channels messages go out on — add, edit, enable or
 * disable, remove, and "Send test" (GET/POST /api/v1/admin/notifications/channels,
 * PATCH/DELETE …/:id, POST …/:id/test). Secrets are write-only: the server
 * only says whether each one is set.
 */
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { AddChannel } from '../../components/admin/add-channel';
import { ChannelRow } from '../../components/admin/channel-row';
import { Notice } from '../../components/feedback';
import { EditableRowsPanel } from '../../components/editable-row';
import { Page } from '../../components/page';
import { useApiData } from '../../hooks/use-api-data';

export function AdminNotificationsPage() {
  const channels = useApiData(async (signal) => (await api.get('/api/v1/admin/notifications/channels', undefined, signal)).channels, []);

  return (
    <Page title="Notification channels" ready={!channels.loading} back={<Link to="/admin">← Administration</Link>}>
      <Notice>
        Members choose on their <Link to="/notifications">Notifications</Link> page which events they want on which channel. Secrets are
        stored encrypted and are never shown again; leave a secret field empty to keep it.
      </Notice>
      <AddChannel onAdded={(created) => channels.setData((list) => (list ? [...list, created] : list))} />
      <EditableRowsPanel
        heading="Channels"
        list={channels}
        loadingLabel="Loading channels"
        empty="No channels yet. Add one above, then send a test."
        row={(c, onSaved, onDeleted) => <ChannelRow key={c.id} channel={c} onSaved={onSaved} onDeleted={onDeleted} />}
      />
    </Page>
  );
}

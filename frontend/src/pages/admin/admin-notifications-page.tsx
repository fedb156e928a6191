/**
 * /admin/notifications: the channels messages go out on — add, edit, enable or
 * disable, remove, and "Send test" (GET/POST /api/v1/admin/notifications/channels,
 * PATCH/DELETE …/:id, POST …/:id/test). Secrets are write-only: the server
 * only says whether each one is set.
 */
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { CHANNEL_KINDS, KIND_LABELS, type ChannelKind, type NotificationChannel, type TestResult } from '../../api/notifications';
import { Notice } from '../../components/feedback';
import { AddRowPanel, EditableRowsPanel, EditRowForm, RowActions, RowError } from '../../components/editable-row';
import { Page } from '../../components/page';
import { useApiData } from '../../hooks/use-api-data';
import { useAsyncAction } from '../../hooks/use-async-action';

interface FieldSpec {
  key: string;
  label: string;
  secret: boolean;
  type: 'text' | 'url' | 'number' | 'checkbox' | 'password';
  required?: boolean;
  placeholder?: string;
}

const FIELDS: Record<ChannelKind, FieldSpec[]> = {
  ntfy: [
    { key: 'serverUrl', label: 'Server URL', secret: false, type: 'url', required: true, placeholder: 'https://ntfy.sh' },
    { key: 'topic', label: 'Household topic', secret: false, type: 'text', required: true, placeholder: 'medianest-family' },
    { key: 'token', label: 'Access token (optional)', secret: true, type: 'password' },
  ],
  discord: [
    {
      key: 'webhookUrl',
      label: 'Webhook URL',
      secret: true,
      type: 'password',
      required: true,
      placeholder: 'https://discord.com/api/webhooks/…',
    },
  ],
  slack: [
    {
      key: 'webhookUrl',
      label: 'Incoming webhook URL',
      secret: true,
      type: 'password',
      required: true,
      placeholder: 'https://hooks.slack.com/services/…',
    },
  ],
  webhook: [
    {
      key: 'url',
      label: 'Receiver URL',
      secret: true,
      type: 'password',
      required: true,
      placeholder: 'https://receiver.example/medianest',
    },
    { key: 'signingSecret', label: 'Signing secret (16+ characters)', secret: true, type: 'password', required: true },
  ],
  email: [
    { key: 'host', label: 'SMTP host', secret: false, type: 'text', required: true, placeholder: 'smtp.example.com' },
    { key: 'port', label: 'Port', secret: false, type: 'number', required: true, placeholder: '587' },
    { key: 'secure', label: 'TLS from the start (port 465)', secret: false, type: 'checkbox' },
    { key: 'username', label: 'Username', secret: false, type: 'text' },
    { key: 'password', label: 'Password', secret: true, type: 'password' },
    { key: 'from', label: 'Sender', secret: false, type: 'text', required: true, placeholder: 'MediaNest <media@example.com>' },
  ],
  webpush: [
    {
      key: 'subject',
      label: 'Contact for push services (VAPID subject)',
      secret: false,
      type: 'text',
      required: true,
      placeholder: 'mailto:you@example.com',
    },
  ],
};

type Values = Record<string, string | boolean>;

function initialValues(kind: ChannelKind, channel?: NotificationChannel): Values {
  const values: Values = {};
  for (const f of FIELDS[kind]) {
    const stored = channel && !f.secret ? channel.settings[f.key] : undefined;
    values[f.key] =
      f.type === 'checkbox' ? stored === true : typeof stored === 'string' || typeof stored === 'number' ? String(stored) : '';
  }
  return values;
}

/** The request body: settings in full, secrets only where something was typed (empty keeps the stored one). */
function bodyOf(kind: ChannelKind, values: Values) {
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const f of FIELDS[kind]) {
    const v = values[f.key];
    if (f.secret) {
      if (typeof v === 'string' && v !== '') secrets[f.key] = v;
    } else if (f.type === 'checkbox') settings[f.key] = v === true;
    else if (f.type === 'number') settings[f.key] = Number(v);
    else if (typeof v === 'string' && v.trim() !== '') settings[f.key] = v.trim();
  }
  return { settings, secrets };
}

function KindFields({
  kind,
  values,
  onChange,
  channel,
}: {
  kind: ChannelKind;
  values: Values;
  onChange: (v: Values) => void;
  channel?: NotificationChannel;
}) {
  const idPrefix = useId();
  return (
    <>
      {FIELDS[kind].map((f) => {
        const id = `${idPrefix}-${f.key}`;
        const isSet = f.secret && channel?.secrets[f.key]?.set;
        if (f.type === 'checkbox') {
          return (
            <div className="field field-check" key={f.key}>
              <input
                id={id}
                type="checkbox"
                checked={values[f.key] === true}
                onChange={(e) => onChange({ ...values, [f.key]: e.target.checked })}
              />
              <label htmlFor={id}>{f.label}</label>
            </div>
          );
        }
        return (
          <div className={f.type === 'url' || f.secret ? 'field field-wide' : 'field'} key={f.key}>
            <label htmlFor={id}>{f.label}</label>
            <input
              id={id}
              type={f.type}
              autoComplete="off"
              value={String(values[f.key] ?? '')}
              required={f.required && !isSet}
              placeholder={isSet ? 'Saved — leave empty to keep it' : f.placeholder}
              onChange={(e) => onChange({ ...values, [f.key]: e.target.value })}
            />
          </div>
        );
      })}
    </>
  );
}

function ChannelRow({
  channel,
  onSaved,
  onDeleted,
}: {
  channel: NotificationChannel;
  onSaved: (c: NotificationChannel) => void;
  onDeleted: (id: number) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(channel.name);
  const [values, setValues] = useState<Values>(() => initialValues(channel.kind, channel));
  const { busy, error, run } = useAsyncAction();
  const [test, setTest] = useState<TestResult | undefined>(undefined);
  const nameId = useId();

  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const { channel: saved } = await api.patch(
        '/api/v1/admin/notifications/channels/:id',
        { name, ...bodyOf(channel.kind, values) },
        { id: channel.id },
      );
      onSaved(saved);
      setEditing(false);
    });
  };
  const toggle = () =>
    run(async () => {
      const { channel: saved } = await api.patch(
        '/api/v1/admin/notifications/channels/:id',
        { enabled: !channel.enabled },
        { id: channel.id },
      );
      onSaved(saved);
    });
  const remove = () => {
    if (!window.confirm(`Remove the channel “${channel.name}”? Members stop getting messages on it.`)) return;
    void run(async () => {
      await api.delete('/api/v1/admin/notifications/channels/:id', { id: channel.id });
      onDeleted(channel.id);
    });
  };
  const sendTest = () =>
    run(async () => {
      setTest(undefined);
      setTest((await api.post('/api/v1/admin/notifications/channels/:id/test', undefined, { id: channel.id })).result);
    });

  if (editing) {
    return (
      <EditRowForm label={`Edit ${channel.name}`} busy={busy} error={error} onSubmit={save} onCancel={() => setEditing(false)}>
        <div className="field">
          <label htmlFor={nameId}>Name</label>
          <input id={nameId} value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
        </div>
        <KindFields kind={channel.kind} values={values} onChange={setValues} channel={channel} />
      </EditRowForm>
    );
  }
  return (
    <li className="row">
      <span className="row-main">
        <strong>{channel.name}</strong>
        <span className="muted row-sub">{KIND_LABELS[channel.kind]}</span>
        {test && (
          <span className={test.delivered ? 'row-sub' : 'field-error'} role="status">
            {test.delivered ? `Test message delivered (${test.durationMs} ms)` : `Test failed: ${test.error ?? 'unknown error'}`}
          </span>
        )}
        <RowError error={error} />
      </span>
      {!channel.enabled && <span className="badge badge-muted">Off</span>}
      <RowActions name={channel.name} busy={busy} onEdit={() => setEditing(true)} onRemove={remove}>
        <button
          type="button"
          className="button button-small"
          onClick={sendTest}
          disabled={busy}
          aria-label={`Send a test message on ${channel.name}`}
        >
          Send test
        </button>
        <button type="button" className="button button-small" onClick={toggle} disabled={busy}>
          {channel.enabled ? 'Turn off' : 'Turn on'}
        </button>
      </RowActions>
    </li>
  );
}

function AddChannel({ onAdded }: { onAdded: (c: NotificationChannel) => void }) {
  const [kind, setKind] = useState<ChannelKind>('ntfy');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Values>(() => initialValues('ntfy'));
  const { busy, error, run } = useAsyncAction();
  const idPrefix = useId();

  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const { channel: created } = await api.post('/api/v1/admin/notifications/channels', {
        name: name.trim(),
        kind,
        ...bodyOf(kind, values),
      });
      onAdded(created);
      setName('');
      setValues(initialValues(kind));
    });
  };

  return (
    <AddRowPanel
      heading="Add a channel"
      submitLabel="Add channel"
      busy={busy}
      canSubmit={Boolean(name.trim())}
      error={error}
      onSubmit={add}
    >
      <div className="field">
        <label htmlFor={`${idPrefix}-kind`}>Kind</label>
        <select
          id={`${idPrefix}-kind`}
          value={kind}
          onChange={(e) => {
            const next = e.target.value as ChannelKind;
            setKind(next);
            setValues(initialValues(next));
          }}
        >
          {CHANNEL_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-name`}>Name</label>
        <input
          id={`${idPrefix}-name`}
          value={name}
          required
          maxLength={100}
          placeholder="Family Discord"
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <KindFields kind={kind} values={values} onChange={setValues} />
    </AddRowPanel>
  );
}

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

/**
 * One notification channel on /admin/notifications: its name and kind, the
 * result of the last "Send test" (POST …/:id/test), Turn on/off, Edit in
 * place (PATCH …/:id) and Remove (DELETE …/:id, after a confirmation).
 */
import { useId, useState, type FormEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { kindLabel, type NotificationChannel, type TestResult } from '../../api/notifications';
import { useAsyncAction } from '../../hooks/use-async-action';
import { confirmFrom } from '../../hooks/use-focus-next';
import { i18next } from '../../i18n';
import { EditRowForm, RowActions, RowError } from '../editable-row';
import { formatMs } from '../format';
import { bodyOf, initialValues, KindFields, type Values } from './channel-fields';

const CHANNEL_PATH = '/api/v1/admin/notifications/channels/:id';

interface RowProps {
  channel: NotificationChannel;
  onSaved: (c: NotificationChannel) => void;
  onDeleted: (id: number) => void;
}

function ChannelEditForm({
  channel,
  onSaved,
  onDone,
}: {
  channel: NotificationChannel;
  onSaved: (c: NotificationChannel) => void;
  onDone: () => void;
}) {
  const { t } = useTranslation('admin');
  const [name, setName] = useState(channel.name);
  const [values, setValues] = useState<Values>(() => initialValues(channel.kind, channel));
  const { busy, error, run } = useAsyncAction();
  const nameId = useId();
  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const { channel: saved } = await api.patch(CHANNEL_PATH, { name, ...bodyOf(channel.kind, values) }, { id: channel.id });
      onSaved(saved);
      onDone();
    });
  };
  return (
    <EditRowForm label={t('common:editItem', { name: channel.name })} busy={busy} error={error} onSubmit={save} onCancel={onDone}>
      <div className="field">
        <label htmlFor={nameId}>{t('channel.name')}</label>
        <input id={nameId} value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
      </div>
      <KindFields kind={channel.kind} values={values} onChange={setValues} channel={channel} />
    </EditRowForm>
  );
}

function TestOutcome({ test }: { test: TestResult }) {
  const { t } = useTranslation('admin');
  return (
    <span className={test.delivered ? 'row-sub' : 'field-error'} role="status">
      {test.delivered
        ? t('channel.testDelivered', { time: formatMs(test.durationMs) })
        : t('channel.testFailed', { error: test.error ?? t('channel.unknownError') })}
    </span>
  );
}

export function ChannelRow({ channel, onSaved, onDeleted }: RowProps) {
  const { t } = useTranslation('admin');
  const [editing, setEditing] = useState(false);
  const { busy, error, run } = useAsyncAction();
  const [test, setTest] = useState<TestResult | undefined>(undefined);

  const toggle = () => run(async () => onSaved((await api.patch(CHANNEL_PATH, { enabled: !channel.enabled }, { id: channel.id })).channel));
  const remove = (event: MouseEvent<HTMLButtonElement>) => {
    if (!confirmFrom(event.currentTarget, i18next.t('admin:channel.confirmRemove', { name: channel.name }))) return;
    void run(async () => {
      await api.delete(CHANNEL_PATH, { id: channel.id });
      onDeleted(channel.id);
    });
  };
  const sendTest = () =>
    run(async () => {
      setTest(undefined);
      setTest((await api.post('/api/v1/admin/notifications/channels/:id/test', undefined, { id: channel.id })).result);
    });

  if (editing) return <ChannelEditForm channel={channel} onSaved={onSaved} onDone={() => setEditing(false)} />;
  return (
    <li className="row">
      <span className="row-main">
        <strong>{channel.name}</strong>
        <span className="muted row-sub">{kindLabel(channel.kind)}</span>
        {test && <TestOutcome test={test} />}
        <RowError error={error} />
      </span>
      {!channel.enabled && <span className="badge badge-muted">{t('channel.off')}</span>}
      <RowActions name={channel.name} busy={busy} onEdit={() => setEditing(true)} onRemove={remove}>
        <button
          type="button"
          className="button button-small"
          onClick={sendTest}
          disabled={busy}
          aria-label={t('channel.testLabel', { name: channel.name })}
        >
          {t('channel.test')}
        </button>
        <button type="button" className="button button-small" onClick={toggle} disabled={busy}>
          {channel.enabled ? t('channel.turnOff') : t('channel.turnOn')}
        </button>
      </RowActions>
    </li>
  );
}

/** Adds a notification channel (POST /api/v1/admin/notifications/channels): its kind, a name and the kind's settings. */
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { CHANNEL_KINDS, kindLabel, type ChannelKind, type NotificationChannel } from '../../api/notifications';
import { useAsyncAction } from '../../hooks/use-async-action';
import { AddRowPanel } from '../editable-row';
import { bodyOf, initialValues, KindFields, type Values } from './channel-fields';

export function AddChannel({ onAdded }: { onAdded: (c: NotificationChannel) => void }) {
  const { t } = useTranslation('admin');
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
      heading={t('channel.addHeading')}
      submitLabel={t('channel.add')}
      busy={busy}
      canSubmit={Boolean(name.trim())}
      error={error}
      onSubmit={add}
    >
      <div className="field">
        <label htmlFor={`${idPrefix}-kind`}>{t('channel.kind')}</label>
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
              {kindLabel(k)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-name`}>{t('channel.name')}</label>
        <input
          id={`${idPrefix}-name`}
          value={name}
          required
          maxLength={100}
          placeholder={t('channel.namePlaceholder')}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <KindFields kind={kind} values={values} onChange={setValues} />
    </AddRowPanel>
  );
}

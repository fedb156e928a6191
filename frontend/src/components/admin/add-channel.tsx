/** Adds a notification channel (POST /api/v1/admin/notifications/channels): its kind, a name and the kind's settings. */
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { CHANNEL_KINDS, KIND_LABELS, type ChannelKind, type NotificationChannel } from '../../api/notifications';
import { useAsyncAction } from '../../hooks/use-async-action';
import { AddRowPanel } from '../editable-row';
import { bodyOf, initialValues, KindFields, type Values } from './channel-fields';

export function AddChannel({ onAdded }: { onAdded: (c: NotificationChannel) => void }) {
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

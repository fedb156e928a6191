/**
 * One notification channel on /notifications: which events the member wants
 * on it and, where the channel uses one, their own address (e-mail, ntfy
 * topic); saved with PATCH /api/v1/notifications/preferences/:channelId.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { eventLabel, kindLabel, type ChannelPreference, type NotificationEvent } from '../../api/notifications';
import { useAsyncAction } from '../../hooks/use-async-action';
import { ErrorMessage } from '../feedback';

function EventChoices(props: {
  idPrefix: string;
  events: readonly NotificationEvent[];
  chosen: NotificationEvent[];
  onChange: (chosen: NotificationEvent[]) => void;
}) {
  const { t } = useTranslation('notifications');
  const { idPrefix, chosen } = props;
  return (
    <fieldset>
      <legend>{t('choices.legend')}</legend>
      {props.events.map((e) => (
        <div className="field field-check" key={e}>
          <input
            id={`${idPrefix}-${e}`}
            type="checkbox"
            checked={chosen.includes(e)}
            onChange={(ev) => props.onChange(ev.target.checked ? [...chosen, e] : chosen.filter((x) => x !== e))}
          />
          <label htmlFor={`${idPrefix}-${e}`}>{eventLabel(e)}</label>
        </div>
      ))}
    </fieldset>
  );
}

function AddressField({
  id,
  pref,
  value,
  onChange,
}: {
  id: string;
  pref: ChannelPreference;
  value: string;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation('notifications');
  return (
    <div className="field field-wide">
      <label htmlFor={id}>{pref.addressKind === 'email' ? t('choices.email') : t('choices.topic')}</label>
      <input
        id={id}
        type={pref.addressKind === 'email' ? 'email' : 'text'}
        value={value}
        placeholder={pref.defaultAddress ? t('choices.default', { address: pref.defaultAddress }) : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {pref.addressPending && (
        <p className="muted" role="status">
          {t('choices.pending', { address: pref.address })}
        </p>
      )}
    </div>
  );
}

export function ChannelChoices(props: {
  pref: ChannelPreference;
  events: readonly NotificationEvent[];
  onSaved: (p: ChannelPreference) => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation('notifications');
  const { pref } = props;
  const [chosen, setChosen] = useState<NotificationEvent[]>(pref.events);
  const [address, setAddress] = useState(pref.address ?? '');
  const { busy, error, run } = useAsyncAction();
  const [saved, setSaved] = useState(false);
  const idPrefix = useId();

  const save = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void run(async () => {
      const changes = { events: chosen, address: address.trim() || null };
      const body = await api.patch('/api/v1/notifications/preferences/:channelId', changes, { channelId: pref.channelId });
      props.onSaved(body.channels.find((c) => c.channelId === pref.channelId) ?? { ...pref, ...changes });
      setSaved(true);
    });
  };

  return (
    <section className="panel" aria-labelledby={`${idPrefix}-heading`}>
      <h2 id={`${idPrefix}-heading`}>
        {pref.name} <span className="muted">({kindLabel(pref.kind)})</span>
      </h2>
      <form className="form" onSubmit={save}>
        <EventChoices idPrefix={idPrefix} events={props.events} chosen={chosen} onChange={setChosen} />
        {pref.addressKind && <AddressField id={`${idPrefix}-address`} pref={pref} value={address} onChange={setAddress} />}
        <div className="form-buttons">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('common:saving') : t('common:save')}
          </button>
          {saved && (
            <span role="status" className="muted">
              {t('choices.saved')}
            </span>
          )}
        </div>
        {error && <ErrorMessage message={error} />}
      </form>
      {props.children}
    </section>
  );
}

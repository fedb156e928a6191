/**
 * The settings of each kind of notification channel as form fields, and the
 * request body they make. Secrets are write-only: the server only says
 * whether each one is set, and an empty secret field keeps the stored one.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelKind, NotificationChannel } from '../../api/notifications';

interface FieldSpec {
  /** The setting's name; its label is `admin:channel.fields.<kind>.<key>`. */
  key: string;
  secret: boolean;
  type: 'text' | 'url' | 'number' | 'checkbox' | 'password';
  required?: boolean;
  placeholder?: string;
}

const FIELDS: Record<ChannelKind, FieldSpec[]> = {
  ntfy: [
    { key: 'serverUrl', secret: false, type: 'url', required: true, placeholder: 'https://ntfy.sh' },
    { key: 'topic', secret: false, type: 'text', required: true, placeholder: 'medianest-family' },
    {
      key: 'memberTopicPrefix',
      secret: false,
      type: 'text',
      placeholder: 'medianest-',
    },
    { key: 'token', secret: true, type: 'password' },
  ],
  discord: [
    {
      key: 'webhookUrl',
      secret: true,
      type: 'password',
      required: true,
      placeholder: 'https://discord.com/api/webhooks/…',
    },
  ],
  slack: [
    {
      key: 'webhookUrl',
      secret: true,
      type: 'password',
      required: true,
      placeholder: 'https://hooks.slack.com/services/…',
    },
  ],
  webhook: [
    {
      key: 'url',
      secret: true,
      type: 'password',
      required: true,
      placeholder: 'https://receiver.example/medianest',
    },
    { key: 'signingSecret', secret: true, type: 'password', required: true },
  ],
  email: [
    { key: 'host', secret: false, type: 'text', required: true, placeholder: 'smtp.example.com' },
    { key: 'port', secret: false, type: 'number', required: true, placeholder: '587' },
    { key: 'secure', secret: false, type: 'checkbox' },
    {
      key: 'allowPlaintext',
      secret: false,
      type: 'checkbox',
    },
    { key: 'username', secret: false, type: 'text' },
    { key: 'password', secret: true, type: 'password' },
    { key: 'from', secret: false, type: 'text', required: true, placeholder: 'MediaNest <media@example.com>' },
  ],
  webpush: [
    {
      key: 'subject',
      secret: false,
      type: 'text',
      required: true,
      placeholder: 'mailto:you@example.com',
    },
  ],
};

export type Values = Record<string, string | boolean>;

export function initialValues(kind: ChannelKind, channel?: NotificationChannel): Values {
  const values: Values = {};
  for (const f of FIELDS[kind]) {
    const stored = channel && !f.secret ? channel.settings[f.key] : undefined;
    values[f.key] =
      f.type === 'checkbox' ? stored === true : typeof stored === 'string' || typeof stored === 'number' ? String(stored) : '';
  }
  return values;
}

/** The request body: settings in full, secrets only where something was typed (empty keeps the stored one). */
export function bodyOf(kind: ChannelKind, values: Values) {
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

export function KindFields({
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
  const { t } = useTranslation('admin');
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
              <label htmlFor={id}>{t(`channel.fields.${kind}.${f.key}`)}</label>
            </div>
          );
        }
        return (
          <div className={f.type === 'url' || f.secret ? 'field field-wide' : 'field'} key={f.key}>
            <label htmlFor={id}>{t(`channel.fields.${kind}.${f.key}`)}</label>
            <input
              id={id}
              type={f.type}
              autoComplete="off"
              value={String(values[f.key] ?? '')}
              required={f.required && !isSet}
              placeholder={isSet ? t('channel.secretSaved') : f.placeholder}
              onChange={(e) => onChange({ ...values, [f.key]: e.target.value })}
            />
          </div>
        );
      })}
    </>
  );
}

/** A one-time password link to copy and hand over, with when it stops working. */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResetLink } from '../../api/types';
import { Notice } from '../feedback';
import { formatDateTime } from '../format';
import './reset-link-notice.css';

export function ResetLinkNotice({ link, username, created }: { link: ResetLink; username: string; created?: boolean }) {
  const { t } = useTranslation('admin');
  const [copied, setCopied] = useState(false);
  const inputId = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied(true);
    } catch {
      (document.getElementById(inputId) as HTMLInputElement | null)?.select();
    }
  };
  return (
    <Notice tone="success">
      <p>
        {created && `${t('users.link.created', { username })} `}
        {t(created ? 'users.link.giveFirst' : 'users.link.giveNew', { username, until: formatDateTime(link.expiresAt) })}
      </p>
      <div className="copy-field">
        <label htmlFor={inputId} className="visually-hidden">
          {t('users.link.label', { username })}
        </label>
        <input id={inputId} readOnly value={link.url} onFocus={(e) => e.target.select()} />
        <button type="button" className="button button-small" onClick={copy}>
          {copied ? t('users.link.copied') : t('users.link.copy')}
        </button>
      </div>
    </Notice>
  );
}

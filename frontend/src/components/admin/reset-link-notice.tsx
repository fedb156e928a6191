/** A one-time password link to copy and hand over, with when it stops working. */
import { useId, useState } from 'react';
import type { ResetLink } from '../../api/types';
import { Notice } from '../feedback';
import { formatDateTime } from '../format';
import './reset-link-notice.css';

export function ResetLinkNotice({ link, username, created }: { link: ResetLink; username: string; created?: boolean }) {
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
        {created ? `Account ${username} created. ` : ''}Give {username} this link to set {created ? 'a' : 'a new'} password. It works once
        {`, until ${formatDateTime(link.expiresAt)}`}; a newer link replaces it.
      </p>
      <div className="copy-field">
        <label htmlFor={inputId} className="visually-hidden">
          Password link for {username}
        </label>
        <input id={inputId} readOnly value={link.url} onFocus={(e) => e.target.select()} />
        <button type="button" className="button button-small" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </Notice>
  );
}

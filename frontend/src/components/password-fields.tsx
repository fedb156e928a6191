/** A new password typed twice, with the server's minimum length checked as the member types. */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { MIN_PASSWORD_LENGTH } from '../api/types';
import { i18next } from '../i18n';

export function passwordProblem(password: string, confirmation: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return i18next.t('auth:password.tooShort', { count: MIN_PASSWORD_LENGTH });
  if (password !== confirmation) return i18next.t('auth:password.mismatch');
  return undefined;
}

export function NewPasswordFields({
  password,
  confirmation,
  onPassword,
  onConfirmation,
  username,
}: {
  password: string;
  confirmation: string;
  onPassword: (value: string) => void;
  onConfirmation: (value: string) => void;
  /** Lets password managers file the new password under the right account. */
  username?: string;
}) {
  const { t } = useTranslation('auth');
  const id = useId();
  const hintId = `${id}-hint`;
  const mismatch = confirmation !== '' && password !== confirmation;
  return (
    <>
      {username && <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />}
      <div className="field">
        <label htmlFor={`${id}-new`}>{t('password.new')}</label>
        <input
          id={`${id}-new`}
          name="new-password"
          type="password"
          autoComplete="new-password"
          minLength={MIN_PASSWORD_LENGTH}
          required
          aria-describedby={hintId}
          value={password}
          onChange={(e) => onPassword(e.target.value)}
        />
        <span id={hintId} className="muted">
          {t('password.hint', { count: MIN_PASSWORD_LENGTH })}
        </span>
      </div>
      <div className="field">
        <label htmlFor={`${id}-confirm`}>{t('password.again')}</label>
        <input
          id={`${id}-confirm`}
          name="confirm-password"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={mismatch}
          value={confirmation}
          onChange={(e) => onConfirmation(e.target.value)}
        />
        {mismatch && <span className="field-error">{t('password.mismatch')}</span>}
      </div>
    </>
  );
}

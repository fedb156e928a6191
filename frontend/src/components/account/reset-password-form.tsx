/** The new password for the account a one-time link is for, typed twice; checked here before it is sent. */
import { useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client';
import type { ResetLinkInfo } from '../../api/types';
import { ErrorMessage } from '../feedback';
import { formatDateTime } from '../format';
import { NewPasswordFields, passwordProblem } from '../password-fields';

export function ResetPasswordForm({ info, onSubmit }: { info: ResetLinkInfo; onSubmit: (password: string) => Promise<void> }) {
  const { t } = useTranslation('auth');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = passwordProblem(password, confirmation);
    if (problem) return setError(problem);
    setSubmitting(true);
    setError(undefined);
    try {
      await onSubmit(password);
    } catch (err) {
      setError(errorMessage(err));
      setSubmitting(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <p>
        <Trans t={t} i18nKey="reset.choose" values={{ username: info.username }} components={{ strong: <strong /> }} />
        <span className="muted"> {t('reset.worksOnce', { until: formatDateTime(info.expiresAt) })}</span>
      </p>
      <NewPasswordFields
        password={password}
        confirmation={confirmation}
        onPassword={setPassword}
        onConfirmation={setConfirmation}
        username={info.username}
      />
      {error && <ErrorMessage message={error} />}
      <button type="submit" className="button button-primary button-block" disabled={submitting || !password || !confirmation}>
        {submitting ? t('common:saving') : t('reset.submit')}
      </button>
    </form>
  );
}

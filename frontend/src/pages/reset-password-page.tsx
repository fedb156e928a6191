/**
 * /reset-password#<token>: the page behind a one-time link an administrator
 * made. It asks the server who the link is for, then sets the new password
 * (useResetLink). The token is in the fragment, so it never reaches a server
 * log or another site.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ResetPasswordForm } from '../components/account/reset-password-form';
import { ErrorMessage, Notice, SkeletonRows } from '../components/feedback';
import { Page, SignedOutCard } from '../components/page';
import { useResetLink } from '../hooks/use-reset-link';

export function ResetPasswordPage() {
  const { t } = useTranslation('auth');
  const { state, setPassword } = useResetLink();
  return (
    <SignedOutCard>
      <Page title={t('reset.title')} ready={state.phase !== 'checking'}>
        {state.phase === 'checking' && <SkeletonRows count={2} label={t('reset.checking')} />}
        {state.phase === 'invalid' && (
          <>
            <ErrorMessage message={state.message} />
            <p>
              <Link to="/login">{t('reset.goToSignIn')}</Link>
            </p>
          </>
        )}
        {state.phase === 'ready' && <ResetPasswordForm info={state.info} onSubmit={setPassword} />}
        {state.phase === 'done' && (
          <>
            <Notice tone="success">{t('reset.done', { username: state.username })}</Notice>
            <p>
              <Link className="button button-primary button-block" to="/login">
                {t('signIn.submit')}
              </Link>
            </p>
          </>
        )}
      </Page>
    </SignedOutCard>
  );
}

/**
 * /reset-password#<token>: the page behind a one-time link an administrator
 * made. It asks the server who the link is for, then sets the new password
 * (useResetLink). The token is in the fragment, so it never reaches a server
 * log or another site.
 */
import { Link } from 'react-router-dom';
import { ResetPasswordForm } from '../components/account/reset-password-form';
import { ErrorMessage, Notice, SkeletonRows } from '../components/feedback';
import { Page, SignedOutCard } from '../components/page';
import { useResetLink } from '../hooks/use-reset-link';

export function ResetPasswordPage() {
  const { state, setPassword } = useResetLink();
  return (
    <SignedOutCard>
      <Page title="Set your password" ready={state.phase !== 'checking'}>
        {state.phase === 'checking' && <SkeletonRows count={2} label="Checking your link" />}
        {state.phase === 'invalid' && (
          <>
            <ErrorMessage message={state.message} />
            <p>
              <Link to="/login">Go to sign-in</Link>
            </p>
          </>
        )}
        {state.phase === 'ready' && <ResetPasswordForm info={state.info} onSubmit={setPassword} />}
        {state.phase === 'done' && (
          <>
            <Notice tone="success">
              Your password is set{state.username ? ` for ${state.username}` : ''}. Any browser that was signed in to this account has been
              signed out.
            </Notice>
            <p>
              <Link className="button button-primary button-block" to="/login">
                Sign in
              </Link>
            </p>
          </>
        )}
      </Page>
    </SignedOutCard>
  );
}

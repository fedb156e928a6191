/**
 * /account: who you are, your language (stored with the account) and changing your password.
 */
import { useTranslation } from 'react-i18next';
import { useUser } from '../app/session';
import { ChangePasswordForm } from '../components/account/change-password-form';
import { LanguagePicker } from '../components/account/language-picker';
import { Notice } from '../components/feedback';
import { Page } from '../components/page';
import './account-page.css';

export function AccountPage() {
  const { t } = useTranslation('account');
  const user = useUser();
  const plexOnly = user.plexUsername !== null && user.plexUsername !== undefined;
  return (
    <Page title={t('title')} ready>
      <dl className="facts">
        <dt>{t('username')}</dt>
        <dd>{user.username}</dd>
        {user.plexUsername && (
          <>
            <dt>{t('plexAccount')}</dt>
            <dd>{user.plexUsername}</dd>
          </>
        )}
        {user.email && (
          <>
            <dt>{t('email')}</dt>
            <dd>{user.email}</dd>
          </>
        )}
        <dt>{t('role')}</dt>
        <dd>{user.role === 'admin' ? t('roleAdmin') : t('roleMember')}</dd>
      </dl>
      <LanguagePicker />
      {plexOnly ? <Notice>{t('plexPassword')}</Notice> : <ChangePasswordForm username={user.username} />}
    </Page>
  );
}

/**
 * For an account no Overseerr user matches (the API's 409 OVERSEERR_USER_NOT_LINKED): Discover and title
 * pages are read from Overseerr as the member, never as its administrator, so they stay empty — this says
 * why and who can change it, instead of an error with a "Try again" that cannot help.
 */
import { useTranslation } from 'react-i18next';
import { useUser } from '../../app/session';

/** The reason the API gives for an account without an Overseerr user. */
export const NOT_LINKED = 'OVERSEERR_USER_NOT_LINKED';

export function NotLinkedNotice() {
  const { t } = useTranslation('discover');
  const { role } = useUser();
  return (
    <div className="notice notice-warning" role="status">
      <p>
        <strong>{t('notLinked.title')}</strong>
      </p>
      <p>{role === 'admin' ? t('notLinked.admin') : t('notLinked.member')}</p>
    </div>
  );
}

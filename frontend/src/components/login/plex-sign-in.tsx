/** The Plex half of the sign-in page: the button, then "finish on the Plex page" with Cancel (and a link when the popup was blocked). */
import { useTranslation } from 'react-i18next';
import type { PlexState } from '../../hooks/use-plex-sign-in';
import { ErrorMessage } from '../feedback';

export function PlexSignIn({ plex, onStart, onCancel }: { plex: PlexState; onStart: () => void; onCancel: () => void }) {
  const { t } = useTranslation('auth');
  return (
    <section aria-labelledby="plex-heading" className="login-section">
      <h2 id="plex-heading" className="visually-hidden">
        {t('plex.signIn')}
      </h2>
      {plex.phase === 'waiting' ? (
        <div className="notice notice-info" role="status">
          <p>{t('plex.finish')}</p>
          {plex.popupBlocked && (
            <p>
              <a href={plex.authUrl} target="_blank" rel="noopener noreferrer">
                {t('plex.openPage')}
              </a>
            </p>
          )}
          <button type="button" className="button button-small button-quiet" onClick={onCancel}>
            {t('common:cancel')}
          </button>
        </div>
      ) : (
        <button type="button" className="button button-plex button-block" onClick={onStart} disabled={plex.phase === 'starting'}>
          {plex.phase === 'starting' ? t('plex.contacting') : t('plex.signIn')}
        </button>
      )}
      {plex.phase === 'failed' && <ErrorMessage message={plex.message} />}
    </section>
  );
}

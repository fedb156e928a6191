/** The Plex half of the sign-in page: the button, then "finish on the Plex page" with Cancel (and a link when the popup was blocked). */
import type { PlexState } from '../../hooks/use-plex-sign-in';
import { ErrorMessage } from '../feedback';

export function PlexSignIn({ plex, onStart, onCancel }: { plex: PlexState; onStart: () => void; onCancel: () => void }) {
  return (
    <section aria-labelledby="plex-heading" className="login-section">
      <h2 id="plex-heading" className="visually-hidden">
        Sign in with Plex
      </h2>
      {plex.phase === 'waiting' ? (
        <div className="notice notice-info" role="status">
          <p>Finish signing in on the Plex page. This page continues by itself.</p>
          {plex.popupBlocked && (
            <p>
              <a href={plex.authUrl} target="_blank" rel="noopener noreferrer">
                Open the Plex sign-in page
              </a>
            </p>
          )}
          <button type="button" className="button button-small button-quiet" onClick={onCancel}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="button button-plex button-block" onClick={onStart} disabled={plex.phase === 'starting'}>
          {plex.phase === 'starting' ? 'Contacting Plex…' : 'Sign in with Plex'}
        </button>
      )}
      {plex.phase === 'failed' && <ErrorMessage message={plex.message} />}
    </section>
  );
}

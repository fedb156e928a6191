/** The owner's switch for automatic requests from members' Plex watchlists (GET/PATCH /api/v1/admin/watchlist). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WatchlistOwnerSettings } from '@medianest/contracts';
import { api } from '../../api/client';
import { useApiData } from '../../hooks/use-api-data';
import { useAsyncAction } from '../../hooks/use-async-action';
import { ErrorMessage } from '../feedback';

export function WatchlistAutoRequest() {
  const { t } = useTranslation('watchlist');
  const settings = useApiData<WatchlistOwnerSettings>((signal) => api.get('/api/v1/admin/watchlist', undefined, signal), []);
  const { busy, error, run } = useAsyncAction();
  const [saved, setSaved] = useState(false);
  const change = (autoRequest: boolean) =>
    run(async () => {
      setSaved(false);
      settings.setData(await api.patch('/api/v1/admin/watchlist', { autoRequest }));
      setSaved(true);
    });
  return (
    <section className="panel" aria-labelledby="watchlist-admin-heading">
      <h2 id="watchlist-admin-heading">{t('admin.heading')}</h2>
      {settings.error ? (
        <ErrorMessage message={settings.error} onRetry={settings.reload} />
      ) : (
        <label>
          <input
            type="checkbox"
            checked={settings.data?.autoRequest ?? false}
            disabled={settings.loading || busy}
            onChange={(e) => void change(e.target.checked)}
          />{' '}
          {t('admin.toggle')}
        </label>
      )}
      <p className="muted">{t('admin.help')}</p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {saved && !error && <p role="status">{t('admin.saved')}</p>}
    </section>
  );
}

/**
 * Every season of a show with where it stands in Plex and the member's own
 * request for it; the seasons nobody has can be ticked and requested
 * together, with the member's TV quota beside the button.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { TitleDetails } from '../../api/types';
import { useFocusNext } from '../../hooks/use-focus-next';
import { useSeasonRequest } from '../../hooks/use-season-request';
import type { QuotaProps } from '../discover/request-control';
import { QuotaBadge } from '../discover/quota-badge';
import { SeasonItem } from './season-item';

export function SeasonPicker({ title, quota, onRequested }: { title: TitleDetails; quota: QuotaProps; onRequested: () => void }) {
  const { t } = useTranslation('title');
  const headingId = useId();
  // The Request button may give way to "every season is covered": focus follows to the request it made.
  const focus = useFocusNext();
  const picker = useSeasonRequest(title, () => {
    focus.moveFocus();
    quota.onChange();
    onRequested();
  });
  const count = picker.selected.size;
  const anyRequestable = title.seasons.some((s) => s.requestable);
  return (
    <section aria-labelledby={headingId} className="season-picker">
      <h2 id={headingId} className="section-title">
        {t('seasonsHeading')}
      </h2>
      <form onSubmit={picker.submit}>
        <ul className="season-list">
          {title.seasons.map((s) => (
            <SeasonItem
              key={s.seasonNumber}
              season={s}
              checked={picker.selected.has(s.seasonNumber)}
              disabled={picker.sending}
              onToggle={() => picker.toggle(s.seasonNumber)}
            />
          ))}
        </ul>
        {anyRequestable ? (
          <div className="season-actions">
            <button type="submit" className="button button-primary" disabled={count === 0 || picker.sending}>
              {picker.sending ? t('requesting') : count > 0 ? t('requestSeasons', { count }) : t('pickSeasons')}
            </button>
            <QuotaBadge quota={quota.quota} mediaType="tv" />
          </div>
        ) : (
          <p className="muted">{t('allSeasonsCovered')}</p>
        )}
        {picker.error && (
          <p className="field-error" role="alert">
            {picker.error}
          </p>
        )}
        {picker.sent && (
          <p className="notice notice-success" role="status">
            {t('seasonsRequested', { count: picker.sent.seasons.length, seasons: picker.sent.seasons.join(', ') })}{' '}
            <Link ref={focus.target} to={`/requests/${picker.sent.requestId}`}>
              {t('viewRequest')}
            </Link>
          </p>
        )}
      </form>
    </section>
  );
}

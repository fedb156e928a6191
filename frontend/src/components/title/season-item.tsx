/** One season in the picker: a checkbox while it can be requested, its name and episodes, and where it stands (or the member's own request). */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TitleSeason } from '../../api/types';
import { AvailabilityBadge, RequestStatusBadge } from '../badges';

export function SeasonItem(props: { season: TitleSeason; checked: boolean; disabled: boolean; onToggle: () => void }) {
  const { season } = props;
  const { t } = useTranslation('title');
  const id = useId();
  const name = season.seasonNumber === 0 ? t('specials') : t('seasonName', { number: season.seasonNumber });
  const episodes = season.episodeCount !== null ? t('episodes', { count: season.episodeCount }) : null;
  const text = (
    <>
      <span className="season-name">{season.name && season.seasonNumber > 0 ? season.name : name}</span>
      {episodes && ' '}
      {episodes && <span className="muted">· {episodes}</span>}
    </>
  );
  return (
    <li className="season-item">
      {season.requestable ? (
        <input id={id} type="checkbox" checked={props.checked} disabled={props.disabled} onChange={props.onToggle} />
      ) : (
        <span className="season-check-placeholder" aria-hidden="true" />
      )}
      {season.requestable ? (
        <label htmlFor={id} className="season-label">
          {text}
        </label>
      ) : (
        <span className="season-label">{text}</span>
      )}
      <span className="season-state">
        {season.requestStatus ? (
          <RequestStatusBadge status={season.requestStatus} />
        ) : (
          <AvailabilityBadge availability={season.availability} />
        )}
      </span>
    </li>
  );
}

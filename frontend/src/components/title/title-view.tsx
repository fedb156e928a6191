/**
 * One page per title, from request to play: the poster and facts, what the
 * member can do (Play on Plex, report a problem, request, follow progress),
 * for a show every season and season-by-season requests, the cast, then
 * recommendations and similar titles as rows.
 */
import type { TitleDetails } from '../../api/types';
import type { QuotaProps } from '../discover/request-control';
import { RelatedRows } from './related-rows';
import { SeasonPicker } from './season-picker';
import { TitleActions } from './title-actions';
import { TitleCast } from './title-cast';
import { TitleHero } from './title-hero';

export function TitleView({ title, quota, onRequested }: { title: TitleDetails; quota: QuotaProps; onRequested: () => void }) {
  const afterRequest = () => {
    quota.onChange();
    onRequested();
  };
  return (
    <>
      <TitleHero title={title}>
        <TitleActions title={title} quota={{ quota: quota.quota, onChange: afterRequest }} />
      </TitleHero>
      {title.mediaType === 'tv' && title.seasons.length > 0 && <SeasonPicker title={title} quota={quota} onRequested={onRequested} />}
      <TitleCast cast={title.cast} />
      <RelatedRows mediaType={title.mediaType} tmdbId={title.tmdbId} quota={quota} />
    </>
  );
}

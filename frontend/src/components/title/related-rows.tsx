/** A title's recommendations and similar titles, as rows of cards (GET /api/v1/discover/titles/:type/:tmdbId/:list). */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { MediaType } from '../../api/types';
import type { QuotaProps } from '../discover/request-control';
import { TitleRow } from '../discover/title-row';

function RelatedRow(props: {
  mediaType: MediaType;
  tmdbId: number;
  list: 'recommendations' | 'similar';
  heading: string;
  quota: QuotaProps;
}) {
  const { mediaType, tmdbId, list } = props;
  const load = useCallback(
    (page: number, signal: AbortSignal) =>
      api.get('/api/v1/discover/titles/:type/:tmdbId/:list', { type: mediaType, tmdbId, list, page }, signal),
    [mediaType, tmdbId, list],
  );
  return <TitleRow heading={props.heading} load={load} quota={props.quota} />;
}

export function RelatedRows({ mediaType, tmdbId, quota }: { mediaType: MediaType; tmdbId: number; quota: QuotaProps }) {
  const { t } = useTranslation('title');
  return (
    <>
      <RelatedRow mediaType={mediaType} tmdbId={tmdbId} list="recommendations" heading={t('recommendations')} quota={quota} />
      <RelatedRow mediaType={mediaType} tmdbId={tmdbId} list="similar" heading={t('similar')} quota={quota} />
    </>
  );
}

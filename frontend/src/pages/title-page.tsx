/**
 * /movie/:tmdbId and /tv/:tmdbId: a title's own page (GET
 * /api/v1/discover/titles/:type/:tmdbId, read from Overseerr as the member),
 * with the member's quota (GET /api/v1/media/quota). After a request both are
 * read again quietly, so the seasons and the progress show it. An account
 * without an Overseerr user is told why there is nothing to show.
 */
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { MediaType, RequestQuota } from '../api/types';
import { NOT_LINKED, NotLinkedNotice } from '../components/discover/not-linked-notice';
import { ErrorMessage, SkeletonRows } from '../components/feedback';
import { Page } from '../components/page';
import { TitleView } from '../components/title/title-view';
import { useApiData } from '../hooks/use-api-data';

function TitlePage({ mediaType }: { mediaType: MediaType }) {
  const { tmdbId = '' } = useParams();
  const { t } = useTranslation('title');
  const title = useApiData(
    async (signal) => api.get('/api/v1/discover/titles/:type/:tmdbId', { type: mediaType, tmdbId }, signal),
    [mediaType, tmdbId],
  );
  const quota = useApiData<RequestQuota>(async (signal) => api.get('/api/v1/media/quota', undefined, signal), []);
  const d = title.data;
  return (
    <Page
      title={d?.title ?? (mediaType === 'tv' ? t('kind.tv') : t('kind.movie'))}
      ready={!title.loading}
      back={<Link to="/discover">{t('back')}</Link>}
    >
      {title.loading ? (
        <SkeletonRows count={4} label={t('loading')} />
      ) : title.reason === NOT_LINKED ? (
        <NotLinkedNotice />
      ) : title.error || !d ? (
        <ErrorMessage message={title.error ?? t('loadFailed')} onRetry={title.reload} />
      ) : (
        <TitleView
          key={`${mediaType}-${tmdbId}`}
          title={d}
          quota={{ quota: quota.data, onChange: quota.refresh }}
          onRequested={title.refresh}
        />
      )}
    </Page>
  );
}

export function MovieTitlePage() {
  return <TitlePage mediaType="movie" />;
}

export function TvTitlePage() {
  return <TitlePage mediaType="tv" />;
}

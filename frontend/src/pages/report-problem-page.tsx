/**
 * /problems/new?mediaType=&tmdbId=&title=: report a problem with a title from
 * the library (the request page has the same form in place).
 */
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../components/feedback';
import { Page } from '../components/page';
import { ReportProblem } from '../components/report-problem';

export function ReportProblemPage() {
  const { t } = useTranslation('problems');
  const [params] = useSearchParams();
  const mediaType = params.get('mediaType');
  const tmdbId = Number.parseInt(params.get('tmdbId') ?? '', 10);
  const title = params.get('title')?.slice(0, 200) || t('new.thisTitle');
  const valid = (mediaType === 'movie' || mediaType === 'tv') && Number.isInteger(tmdbId) && tmdbId > 0;
  return (
    <Page title={t('common:reportProblemLabel', { title })} ready back={<Link to="/library">← {t('library:title')}</Link>}>
      {valid ? (
        <ReportProblem mediaType={mediaType} tmdbId={tmdbId} title={title} seasons={null} startOpen />
      ) : (
        <ErrorMessage message={t('new.invalid')} />
      )}
    </Page>
  );
}

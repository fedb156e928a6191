/**
 * /problems/new?mediaType=&tmdbId=&title=: report a problem with a title from
 * the library (the request page has the same form in place).
 */
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../components/feedback';
import { Page } from '../components/page';
import { ReportProblem } from '../components/report-problem';

export function ReportProblemPage() {
  const [params] = useSearchParams();
  const mediaType = params.get('mediaType');
  const tmdbId = Number.parseInt(params.get('tmdbId') ?? '', 10);
  const title = params.get('title')?.slice(0, 200) || 'this title';
  const valid = (mediaType === 'movie' || mediaType === 'tv') && Number.isInteger(tmdbId) && tmdbId > 0;
  return (
    <Page title={`Report a problem with ${title}`} ready back={<Link to="/library">← Library</Link>}>
      {valid ? (
        <ReportProblem mediaType={mediaType} tmdbId={tmdbId} title={title} seasons={null} startOpen />
      ) : (
        <ErrorMessage message="This link does not name a title. Open the title from the library and choose “Report a problem”." />
      )}
    </Page>
  );
}

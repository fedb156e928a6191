/**
 * What a member can do with the title: Play on Plex once it is there, report
 * a problem with it, request a movie in one click (shows are requested
 * season by season below), and follow their own request's progress (which
 * then takes the Request button's place).
 */
import { useState } from 'react';
import { safePlayUrl, type TitleDetails } from '../../api/types';
import { initialRequestState, RequestControl, type QuotaProps, type RequestState } from '../discover/request-control';
import { PlayOnPlexLink } from '../play-on-plex-link';
import { ReportProblem } from '../report-problem';
import { TitleProgress } from './title-progress';

export function TitleActions({ title, quota }: { title: TitleDetails; quota: QuotaProps }) {
  const [state, setState] = useState<RequestState>(() => initialRequestState(title));
  const playUrl = safePlayUrl(title.playUrl);
  const inPlex = title.availability === 'available' || title.availability === 'partially_available';
  const requestId = state.kind === 'requested' ? state.requestId : title.requestId;
  return (
    <div className="title-actions">
      {playUrl && (
        <p>
          <PlayOnPlexLink url={playUrl} title={title.title} />
        </p>
      )}
      {title.mediaType === 'movie' && !inPlex && state.kind !== 'requested' && (
        <div className="title-request">
          <RequestControl result={title} state={state} setState={setState} quota={quota} />
        </div>
      )}
      {requestId !== null && title.requestStatus !== 'available' && <TitleProgress requestId={requestId} />}
      {inPlex && <ReportProblem mediaType={title.mediaType} tmdbId={title.tmdbId} title={title.title} seasons={null} />}
    </div>
  );
}

/**
 * /discover: search movies and shows (GET /api/v1/media/search?q=&page=) and
 * request one (POST /api/v1/media/requests). The query lives in the URL, so
 * back/forward and reloads keep the results. Each Request button carries the
 * member's remaining Overseerr quota for its media type (GET
 * /api/v1/media/quota, read again after each request); none without a quota.
 * A title someone else already requested offers "Notify me too" (a follow by
 * title: the member is not told who asked for it).
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ApiError, messageOf } from '../api/client';
import { quotaBadge } from '../api/quota';
import { isObject, num } from '../api/read';
import { posterUrl, reportProblemUrl, type RequestQuota, type RequestStatus, type SearchPage, type SearchResult } from '../api/types';
import { AvailabilityBadge, RequestStatusBadge } from '../components/badges';
import { EmptyState, ErrorMessage, SkeletonCards } from '../components/feedback';
import { FollowRequest } from '../components/follow-request';
import { Page } from '../components/page';
import { Poster } from '../components/poster';
import { useApiData, type ApiData } from '../hooks/use-api-data';
import { Pager } from './requests-page';

type RequestState =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'requested'; status: RequestStatus; requestId: number | null }
  | { kind: 'exists'; message: string; requestId: number | null }
  | { kind: 'failed'; message: string };

/**
 * A 409 from POST /api/v1/media/requests: already requested (by you or someone else) or already
 * available. Other conflicts (e.g. the account is not linked to Overseerr) are shown as errors.
 */
function conflictOf(err: ApiError): RequestState | undefined {
  const details = isObject(err.details) ? err.details : {};
  switch (details.reason) {
    case 'ALREADY_AVAILABLE':
      return { kind: 'exists', message: 'Already available', requestId: null };
    case 'DUPLICATE_REQUEST':
      return { kind: 'exists', message: 'Already requested', requestId: num(details.requestId) ?? null };
    case 'BLOCKLISTED':
      return { kind: 'exists', message: 'Blocked in Overseerr: it cannot be requested', requestId: null };
    case 'ALREADY_REQUESTED':
    case undefined:
      return { kind: 'exists', message: 'Already requested', requestId: null };
    default:
      return undefined;
  }
}

function initialState(result: SearchResult): RequestState {
  return result.requestStatus ? { kind: 'requested', status: result.requestStatus, requestId: result.requestId } : { kind: 'idle' };
}

/**
 * What a card offers: "Report a problem" for a title in the library, the caller's request status once
 * requested, "Already requested" for a movie someone else asked for, a Request button otherwise
 * (a show stays requestable while some seasons are missing).
 */
function RequestControl({
  result,
  state,
  setState,
  quota,
}: {
  result: SearchResult;
  state: RequestState;
  setState: (s: RequestState) => void;
  quota: QuotaProps;
}) {
  // In the library already: nothing to request, but something may be wrong with it.
  if (result.availability === 'available') {
    return (
      <p className="card-link">
        <Link to={reportProblemUrl(result.mediaType, result.tmdbId, result.title)} aria-label={`Report a problem with ${result.title}`}>
          Report a problem
        </Link>
      </p>
    );
  }
  if (result.availability === 'blocklisted') {
    return <p className="card-note">Blocked in Overseerr: it cannot be requested</p>;
  }
  if (
    state.kind === 'idle' &&
    result.mediaType === 'movie' &&
    (result.availability === 'requested' || result.availability === 'processing')
  ) {
    return (
      <p className="card-note">
        Already requested <FollowRequest target={{ type: result.mediaType, tmdbId: result.tmdbId }} compact />
      </p>
    );
  }

  const send = async () => {
    setState({ kind: 'sending' });
    try {
      const { request } = await api.post('/api/v1/media/requests', { mediaType: result.mediaType, tmdbId: result.tmdbId });
      setState({ kind: 'requested', status: request.status, requestId: request.id });
    } catch (err) {
      const conflict = err instanceof ApiError && err.status === 409 ? conflictOf(err) : undefined;
      setState(conflict ?? { kind: 'failed', message: messageOf(err) });
    } finally {
      quota.onChange();
    }
  };
  const badge = quotaBadge(quota.quota, result.mediaType);

  switch (state.kind) {
    case 'requested':
      return state.requestId !== null ? (
        <p className="card-note">
          <Link to={`/requests/${state.requestId}`}>View request</Link>
        </p>
      ) : null;
    case 'exists':
      return (
        <p className="card-note" role="status">
          {state.message}
          {state.requestId !== null ? (
            <Link to={`/requests/${state.requestId}`}>View request</Link>
          ) : (
            state.message === 'Already requested' && <FollowRequest target={{ type: result.mediaType, tmdbId: result.tmdbId }} compact />
          )}
        </p>
      );
    default:
      return (
        <div className="card-action">
          <button
            type="button"
            className="button button-primary button-small"
            onClick={send}
            disabled={state.kind === 'sending'}
            aria-label={`Request ${result.title}`}
          >
            {state.kind === 'sending' ? 'Requesting…' : state.kind === 'failed' ? 'Try again' : 'Request'}
          </button>
          {badge && (
            <p className="card-quota">
              <span className={`badge badge-${badge.exhausted ? 'warning' : 'muted'}`} title={badge.description}>
                <span aria-hidden="true">{badge.text}</span>
                <span className="visually-hidden">{badge.description}</span>
              </span>
            </p>
          )}
          {state.kind === 'failed' && (
            <p className="field-error" role="alert">
              {state.message}
            </p>
          )}
        </div>
      );
  }
}

interface QuotaProps {
  quota: RequestQuota | undefined;
  /** A request was made or refused: read the quota again. */
  onChange: () => void;
}

function ResultCard({ result, quota }: { result: SearchResult; quota: QuotaProps }) {
  const [state, setState] = useState<RequestState>(() => initialState(result));
  return (
    <li className="media-card">
      <Poster src={posterUrl(result.posterPath)} title={result.title} />
      <h3 className="card-title">{result.title}</h3>
      <p className="card-meta">
        {result.year ?? 'Year unknown'} · {result.mediaType === 'tv' ? 'TV show' : 'Movie'}
      </p>
      <p className="card-badges" role="status">
        {state.kind === 'requested' ? (
          <RequestStatusBadge status={state.status} />
        ) : (
          <AvailabilityBadge availability={result.availability} />
        )}
      </p>
      <RequestControl result={result} state={state} setState={setState} quota={quota} />
    </li>
  );
}

function Results({
  query,
  page,
  search,
  onPage,
  quota,
}: {
  query: string;
  page: number;
  search: ApiData<SearchPage | null>;
  onPage: (page: number) => void;
  quota: QuotaProps;
}) {
  return (
    <section aria-labelledby="results-heading" aria-busy={search.loading}>
      <h2 id="results-heading" className="visually-hidden">
        Results for “{query}”
      </h2>
      {search.loading ? (
        <SkeletonCards count={8} label="Searching" />
      ) : search.error ? (
        <ErrorMessage message={search.error} onRetry={search.reload} />
      ) : !search.data || search.data.results.length === 0 ? (
        <EmptyState>Nothing found for “{query}”. Try another title.</EmptyState>
      ) : (
        <>
          <p className="summary" role="status">
            {search.data.totalResults} results for “{query}”
          </p>
          <ul className="card-grid">
            {search.data.results.map((r) => (
              <ResultCard key={`${r.mediaType}-${r.tmdbId}`} result={r} quota={quota} />
            ))}
          </ul>
          <Pager page={page} totalPages={search.data.totalPages} onPage={onPage} label="Result pages" />
        </>
      )}
    </section>
  );
}

function SearchForm({ initial }: { initial: string }) {
  const [, setParams] = useSearchParams();
  const [text, setText] = useState(initial);
  const inputId = useId();
  useEffect(() => setText(initial), [initial]);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const q = text.trim();
    if (q) setParams({ q });
  };
  return (
    <form role="search" className="search-form" onSubmit={onSubmit}>
      <label htmlFor={inputId}>Search movies and shows</label>
      <div className="search-row">
        <input
          id={inputId}
          type="search"
          name="q"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="e.g. The Matrix"
          autoComplete="off"
          maxLength={200}
        />
        <button type="submit" className="button button-primary" disabled={!text.trim()}>
          Search
        </button>
      </div>
    </form>
  );
}

export function DiscoverPage() {
  const [params, setParams] = useSearchParams();
  const query = (params.get('q') ?? '').trim();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const search = useApiData<SearchPage | null>(
    async (signal) => (query ? api.get('/api/v1/media/search', { q: query, page }, signal) : null),
    [query, page],
  );
  const quota = useApiData<RequestQuota>(async (signal) => api.get('/api/v1/media/quota', undefined, signal), []);

  return (
    <Page title="Discover" ready={!search.loading}>
      <SearchForm initial={query} />
      {query ? (
        <Results
          query={query}
          page={page}
          search={search}
          onPage={(p) => setParams({ q: query, page: String(p) })}
          quota={{ quota: quota.data, onChange: quota.refresh }}
        />
      ) : (
        <EmptyState>Search for a movie or show to see whether it is in the library, and request it if it is not.</EmptyState>
      )}
    </Page>
  );
}

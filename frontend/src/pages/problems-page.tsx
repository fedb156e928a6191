/**
 * /problems: the member's problem reports (GET /api/v1/issues, their own
 * issues in Overseerr), each with its conversation (GET /api/v1/issues/:id)
 * and a reply box (POST …/comments). Overseerr's comments, resolutions and
 * reopenings arrive live over 'issue.updated'.
 */
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, errorMessage } from '../api/client';
import type { ProblemReport, ProblemReportList } from '../api/types';
import { IssueStatusBadge } from '../components/badges';
import { EmptyState, ErrorMessage, SkeletonRows } from '../components/feedback';
import { formatAgo, formatDateTime } from '../components/format';
import { LiveIndicator } from '../components/live-indicator';
import { Page } from '../components/page';
import { useApiData } from '../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../realtime/socket';
import './problems-page.css';

const KIND_LABELS: Record<ProblemReport['issueType'], string> = {
  video: 'Video',
  audio: 'Audio',
  subtitles: 'Subtitles',
  other: 'Other',
};

function where(p: ProblemReport): string {
  if (p.season === null) return '';
  return p.episode === null ? ` · season ${p.season}` : ` · S${String(p.season).padStart(2, '0')}E${String(p.episode).padStart(2, '0')}`;
}

function Conversation({ id, title, version }: { id: number; title: string; version: number }) {
  const inputId = useId();
  const detail = useApiData(async (signal) => (await api.get('/api/v1/issues/:id', { id }, signal)).issue, [id, version]);
  const [reply, setReply] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(undefined);
    try {
      detail.setData((await api.post('/api/v1/issues/:id/comments', { message: reply }, { id })).issue);
      setReply('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSending(false);
    }
  };

  if (detail.loading) return <SkeletonRows count={2} label="Loading the conversation" />;
  if (detail.error || !detail.data) return <ErrorMessage message={detail.error ?? 'Not found'} onRetry={detail.reload} />;
  return (
    <div className="conversation">
      <ol className="comments" aria-label={`Conversation about ${title}`}>
        {detail.data.comments.map((c) => (
          <li key={c.id} className={c.mine ? 'comment comment-mine' : 'comment'}>
            <span className="comment-head">
              <strong>{c.mine ? 'You' : c.author}</strong>{' '}
              <span className="muted" title={formatDateTime(c.createdAt)}>
                {formatAgo(c.createdAt)}
              </span>
            </span>
            <span className="comment-body">{c.message}</span>
          </li>
        ))}
      </ol>
      <form className="form" onSubmit={send}>
        <div className="field">
          <label htmlFor={inputId}>Reply</label>
          <textarea id={inputId} rows={2} maxLength={2000} value={reply} onChange={(e) => setReply(e.target.value)} />
        </div>
        <div className="form-buttons">
          <button type="submit" className="button" disabled={sending || !reply.trim()}>
            {sending ? 'Sending…' : 'Send reply'}
          </button>
        </div>
        {error && <ErrorMessage message={error} />}
      </form>
    </div>
  );
}

function ProblemRow({ problem, version }: { problem: ProblemReport; version: number }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="row problem-row">
      <span className="row-main">
        <span className="row-title">{problem.title}</span>
        <span className="muted row-sub">
          {KIND_LABELS[problem.issueType]}
          {where(problem)} · reported {formatAgo(problem.createdAt)}
          {problem.resolvedBy ? ` · resolved by ${problem.resolvedBy}` : ''}
        </span>
      </span>
      <span className="row-controls">
        <IssueStatusBadge status={problem.status} />
        <button type="button" className="button button-small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide conversation' : 'Conversation'}
        </button>
      </span>
      {open && <Conversation id={problem.id} title={problem.title} version={version} />}
    </li>
  );
}

export function ProblemsPage() {
  const list = useApiData<ProblemReportList>(async (signal) => api.get('/api/v1/issues', undefined, signal), []);
  const [announcement, setAnnouncement] = useState('');
  // Bumped by each live change, so open conversations read themselves again.
  const [version, setVersion] = useState(0);
  useRealtimeResync(() => list.refresh());
  useRealtimeEvent('issue.updated', (event) => {
    list.refresh();
    setVersion((v) => v + 1);
    const said = {
      created: 'was received',
      comment: `has a new comment from ${event.comment?.author ?? 'someone'}`,
      resolved: 'was resolved',
      reopened: 'was reopened',
    }[event.change];
    setAnnouncement(`Your report about “${event.title}” ${said}.`);
  });

  return (
    <Page title="My problem reports" ready={!list.loading} actions={<LiveIndicator />}>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {list.loading ? (
        <SkeletonRows count={3} label="Loading your reports" />
      ) : list.error || !list.data ? (
        <ErrorMessage message={list.error ?? 'Could not load your reports'} onRetry={list.reload} />
      ) : (
        <>
          {!list.data.canReport && (
            <div className="notice notice-warning" role="status">
              <p>
                Overseerr does not let your account report problems yet. Ask the server owner to give you the “Report Issues” permission
                (CREATE_ISSUES) in Overseerr.
              </p>
            </div>
          )}
          {list.data.issues.length === 0 ? (
            <EmptyState>
              No reports. If something is wrong with a title in Plex, open it from <Link to="/requests">My requests</Link> and choose
              “Report a problem”.
            </EmptyState>
          ) : (
            <ul className="rows" aria-label="Problem reports">
              {list.data.issues.map((p) => (
                <ProblemRow key={p.id} problem={p} version={version} />
              ))}
            </ul>
          )}
        </>
      )}
    </Page>
  );
}

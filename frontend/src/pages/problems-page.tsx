/**
 * /problems: the member's problem reports (GET /api/v1/issues, their own
 * issues in Overseerr), each with its conversation (GET /api/v1/issues/:id)
 * and a reply box (POST …/comments). Overseerr's comments, resolutions and
 * reopenings arrive live over 'issue.updated'.
 */
import { useId, useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, errorMessage } from '../api/client';
import type { ProblemReport, ProblemReportList } from '../api/types';
import { IssueStatusBadge } from '../components/badges';
import { EmptyState, ErrorMessage, SkeletonRows } from '../components/feedback';
import { formatAgo, formatDateTime } from '../components/format';
import { LiveIndicator } from '../components/live-indicator';
import { Page } from '../components/page';
import { useApiData } from '../hooks/use-api-data';
import { i18next } from '../i18n';
import { useRealtimeEvent, useRealtimeResync } from '../realtime/socket';
import './problems-page.css';

function where(p: ProblemReport): string {
  if (p.season === null) return '';
  return ` · ${p.episode === null ? i18next.t('library:season', { season: p.season }) : i18next.t('library:episodeTag', { season: p.season, episode: p.episode })}`;
}

function Conversation({ id, title, version }: { id: number; title: string; version: number }) {
  const { t } = useTranslation('problems');
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

  if (detail.loading) return <SkeletonRows count={2} label={t('conversation.loading')} />;
  if (detail.error || !detail.data) return <ErrorMessage message={detail.error ?? t('conversation.notFound')} onRetry={detail.reload} />;
  return (
    <div className="conversation">
      <ol className="comments" aria-label={t('conversation.label', { title })}>
        {detail.data.comments.map((c) => (
          <li key={c.id} className={c.mine ? 'comment comment-mine' : 'comment'}>
            <span className="comment-head">
              <strong>{c.mine ? t('conversation.you') : c.author}</strong>{' '}
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
          <label htmlFor={inputId}>{t('conversation.reply')}</label>
          <textarea id={inputId} rows={2} maxLength={2000} value={reply} onChange={(e) => setReply(e.target.value)} />
        </div>
        <div className="form-buttons">
          <button type="submit" className="button" disabled={sending || !reply.trim()}>
            {sending ? t('form.sending') : t('conversation.send')}
          </button>
        </div>
        {error && <ErrorMessage message={error} />}
      </form>
    </div>
  );
}

function ProblemRow({ problem, version }: { problem: ProblemReport; version: number }) {
  const { t } = useTranslation('problems');
  const [open, setOpen] = useState(false);
  return (
    <li className="row problem-row">
      <span className="row-main">
        <span className="row-title">{problem.title}</span>
        <span className="muted row-sub">
          {t(`kind.${problem.issueType}`)}
          {where(problem)} · {t('row.reported', { ago: formatAgo(problem.createdAt) })}
          {problem.resolvedBy ? ` · ${t('row.resolvedBy', { name: problem.resolvedBy })}` : ''}
        </span>
      </span>
      <span className="row-controls">
        <IssueStatusBadge status={problem.status} />
        <button type="button" className="button button-small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? t('row.hide') : t('row.show')}
        </button>
      </span>
      {open && <Conversation id={problem.id} title={problem.title} version={version} />}
    </li>
  );
}

export function ProblemsPage() {
  const { t } = useTranslation('problems');
  const list = useApiData<ProblemReportList>(async (signal) => api.get('/api/v1/issues', undefined, signal), []);
  const [announcement, setAnnouncement] = useState('');
  // Bumped by each live change, so open conversations read themselves again.
  const [version, setVersion] = useState(0);
  useRealtimeResync(() => list.refresh());
  useRealtimeEvent('issue.updated', (event) => {
    list.refresh();
    setVersion((v) => v + 1);
    setAnnouncement(t(`live.${event.change}`, { title: event.title, author: event.comment?.author ?? t('live.someone') }));
  });

  return (
    <Page title={t('title')} ready={!list.loading} actions={<LiveIndicator />}>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {list.loading ? (
        <SkeletonRows count={3} label={t('loading')} />
      ) : list.error || !list.data ? (
        <ErrorMessage message={list.error ?? t('loadFailed')} onRetry={list.reload} />
      ) : (
        <>
          {!list.data.canReport && (
            <div className="notice notice-warning" role="status">
              <p>{t('cannotReport')}</p>
            </div>
          )}
          {list.data.issues.length === 0 ? (
            <EmptyState>
              <Trans t={t} i18nKey="empty" components={{ go: <Link to="/requests" /> }} />
            </EmptyState>
          ) : (
            <ul className="rows" aria-label={t('listLabel')}>
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

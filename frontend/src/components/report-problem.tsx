/**
 * "Report a problem" with a title in Plex: what is wrong (video, audio,
 * subtitles, other), for a show optionally the season and episode, and a few
 * words. Sent with POST /api/v1/issues, filed in Overseerr as the member; the
 * answer (or why Overseerr refused, e.g. the missing "Report Issues"
 * permission) is shown in place.
 */
import { issueTypes } from '@medianest/contracts';
import { useId, useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { IssueType, MediaType } from '../api/types';
import { useAsyncAction } from '../hooks/use-async-action';
import { useFocusNext } from '../hooks/use-focus-next';
import { ErrorMessage } from './feedback';
import './report-problem.css';

function optionalNumber(text: string): number | undefined {
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

interface ReportTarget {
  mediaType: MediaType;
  tmdbId: number;
  title: string;
  seasons: number[] | null;
}

function EpisodeFields(props: {
  id: string;
  season: string;
  episode: string;
  onSeason: (v: string) => void;
  onEpisode: (v: string) => void;
}) {
  const { t } = useTranslation('problems');
  const { id } = props;
  return (
    <div className="field-pair">
      <div className="field">
        <label htmlFor={`${id}-season`}>{t('form.season')}</label>
        <input
          id={`${id}-season`}
          type="number"
          min={1}
          inputMode="numeric"
          value={props.season}
          onChange={(e) => props.onSeason(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-episode`}>{t('form.episode')}</label>
        <input
          id={`${id}-episode`}
          type="number"
          min={1}
          inputMode="numeric"
          value={props.episode}
          disabled={!optionalNumber(props.season)}
          onChange={(e) => props.onEpisode(e.target.value)}
        />
      </div>
    </div>
  );
}

function ReportProblemForm({
  id,
  target,
  onSent,
  onCancel,
  firstField,
}: {
  id: string;
  target: ReportTarget;
  onSent: () => void;
  onCancel: () => void;
  /** The `ref` of the first field (focused when the form was opened from its button). */
  firstField: (element: HTMLElement | null) => void;
}) {
  const { t } = useTranslation('problems');
  const { mediaType, seasons } = target;
  const [issueType, setIssueType] = useState<IssueType>('video');
  const [season, setSeason] = useState(seasons?.length === 1 ? String(seasons[0]) : '');
  const [episode, setEpisode] = useState('');
  const [message, setMessage] = useState('');
  const { busy: sending, error, run } = useAsyncAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const s = mediaType === 'tv' ? optionalNumber(season) : undefined;
      const where = s !== undefined ? { season: s, episode: optionalNumber(episode) } : {};
      await api.post('/api/v1/issues', { mediaType, tmdbId: target.tmdbId, issueType, message, ...where });
      setMessage('');
      onSent();
    });
  };

  return (
    <>
      <form className="form" onSubmit={submit} aria-label={t('common:reportProblemLabel', { title: target.title })}>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t('form.type')}</label>
          <select ref={firstField} id={`${id}-type`} value={issueType} onChange={(e) => setIssueType(e.target.value as IssueType)}>
            {issueTypes.map((type) => (
              <option key={type} value={type}>
                {t(`form.types.${type}`)}
              </option>
            ))}
          </select>
        </div>
        {mediaType === 'tv' && <EpisodeFields id={id} season={season} episode={episode} onSeason={setSeason} onEpisode={setEpisode} />}
        <div className="field">
          <label htmlFor={`${id}-message`}>{t('form.message')}</label>
          <textarea
            id={`${id}-message`}
            rows={4}
            maxLength={2000}
            required
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            placeholder={t('form.placeholder')}
          />
        </div>
        <p className="muted form-hint">{t('form.hint')}</p>
        <div className="form-buttons">
          <button type="submit" className="button button-primary" disabled={sending || !message.trim()}>
            {sending ? t('form.sending') : t('form.send')}
          </button>
          <button type="button" className="button" onClick={onCancel} disabled={sending}>
            {t('common:cancel')}
          </button>
        </div>
      </form>
      {error && <ErrorMessage message={error} />}
    </>
  );
}

interface ReportProblemProps extends ReportTarget {
  /** Show the form at once (on its own page) rather than behind a button. */
  startOpen?: boolean;
}

export function ReportProblem({ startOpen = false, ...target }: ReportProblemProps) {
  const { t } = useTranslation('problems');
  const id = useId();
  const [open, setOpen] = useState(startOpen);
  const [sent, setSent] = useState(false);
  // Focus follows the form: into it when it opens, back to the button on Cancel, onto the confirmation once sent.
  const [toForm, toButton, toNotice] = [useFocusNext(), useFocusNext(), useFocusNext()];
  return (
    <section aria-labelledby={`${id}-heading`} className="report-problem">
      <h2 id={`${id}-heading`} className="section-title">
        {t('form.heading')}
      </h2>
      {sent && (
        <div className="notice notice-success" role="status" tabIndex={-1} ref={toNotice.target}>
          <p>
            <Trans t={t} i18nKey="form.sent" components={{ go: <Link to="/problems" /> }} />
          </p>
        </div>
      )}
      {!open ? (
        <p>
          <button
            ref={toButton.target}
            type="button"
            className="button"
            onClick={() => {
              toForm.moveFocus();
              setOpen(true);
            }}
          >
            {t('common:reportProblem')}
          </button>
        </p>
      ) : (
        <ReportProblemForm
          id={id}
          target={target}
          firstField={toForm.target}
          onSent={() => {
            toNotice.moveFocus();
            setSent(true);
            setOpen(false);
          }}
          onCancel={() => {
            toButton.moveFocus();
            setOpen(false);
          }}
        />
      )}
    </section>
  );
}

/** A request's history, oldest first: requested, approved or declined and by whom, downloading, available, failed. */
import type { TimelineEntry } from '../../api/types';
import { formatAgo, formatDateTime } from '../format';
import './request-timeline.css';

const STEP_LABELS: Record<string, string> = {
  requested: 'Requested',
  pending: 'Waiting for approval',
  approved: 'Approved',
  declined: 'Declined',
  processing: 'Sent for download',
  downloading: 'Downloading',
  available: 'Available in Plex',
  failed: 'Failed',
  cancelled: 'Cancelled',
  retried: 'Retried',
};

export function RequestTimeline({ entries }: { entries: TimelineEntry[] }) {
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading" className="section-title">
        Timeline
      </h2>
      <ol className="timeline">
        {entries.map((e, i) => (
          <li key={`${e.step}-${i}`} className={`timeline-step timeline-${e.step}`}>
            <span className="timeline-label">
              {STEP_LABELS[e.step] ?? e.step}
              {e.actor ? ` by ${e.actor}` : ''}
            </span>
            <span className="muted timeline-time" title={formatDateTime(e.at)}>
              {formatAgo(e.at)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A request's history, oldest first: requested, approved or declined and by whom, downloading, available, failed. */
import { useTranslation } from 'react-i18next';
import type { TimelineEntry } from '../../api/types';
import { formatAgo, formatDateTime } from '../format';
import './request-timeline.css';

export function RequestTimeline({ entries }: { entries: TimelineEntry[] }) {
  const { t } = useTranslation('requests');
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading" className="section-title">
        {t('timeline.heading')}
      </h2>
      <ol className="timeline">
        {entries.map((e, i) => (
          <li key={`${e.step}-${i}`} className={`timeline-step timeline-${e.step}`}>
            <span className="timeline-label">
              {e.actor ? t('timeline.stepBy', { step: t(`timeline.step.${e.step}`), actor: e.actor }) : t(`timeline.step.${e.step}`)}
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

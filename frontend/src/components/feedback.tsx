/** Loading skeletons (fixed sizes, so nothing shifts when data arrives) and error messages. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import './poster.css';
import './media-card.css';
import './feedback.css';

export function ErrorMessage({ message, onRetry }: { message: string; onRetry?: () => void }) {
  const { t } = useTranslation('common');
  return (
    <div className="notice notice-error" role="alert">
      <p>{message}</p>
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          {t('tryAgain')}
        </button>
      )}
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`notice notice-${tone}`} role="status">
      {children}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** Rows of the same height as the list rows they stand in for. */
export function SkeletonRows({ count = 4, label }: { count?: number; label?: string }) {
  const { t } = useTranslation('common');
  return (
    <div className="skeleton-list" role="status" aria-label={label ?? t('loading')} aria-busy="true">
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="skeleton skeleton-row" />
      ))}
    </div>
  );
}

/** Poster cards of the same size as the media cards they stand in for. */
export function SkeletonCards({ count = 8, label }: { count?: number; label?: string }) {
  const { t } = useTranslation('common');
  return (
    <div className="card-grid" role="status" aria-label={label ?? t('loading')} aria-busy="true">
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="media-card media-card-skeleton">
          <div className="skeleton poster-frame" />
          <div className="skeleton skeleton-line" />
          <div className="skeleton skeleton-line skeleton-line-short" />
        </div>
      ))}
    </div>
  );
}

/**
 * The frame of every page: its <h1>, the browser tab's title, and the signal that
 * the page shows its content (which completes the navigation timing).
 */
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useRouteTemplate } from '../app/route-template';
import { performanceMonitor } from '../utils/performance-monitoring';
import './page.css';

interface PageProps {
  title: string;
  /** True once the page's main data is on screen (or failed to load). */
  ready: boolean;
  /** Controls shown next to the heading. */
  actions?: ReactNode;
  /** Breadcrumb-style link shown above the heading. */
  back?: ReactNode;
  children: ReactNode;
}

export function Page({ title, ready, actions, back, children }: PageProps) {
  const { t } = useTranslation('common');
  const template = useRouteTemplate();
  const documentTitle = t('documentTitle', { title });
  useEffect(() => {
    document.title = documentTitle;
  }, [documentTitle]);
  useEffect(() => {
    if (ready) performanceMonitor.routeReady(template);
  }, [ready, template]);
  return (
    <>
      {back && <p className="page-back">{back}</p>}
      <div className="page-head">
        <h1>{title}</h1>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
      {children}
    </>
  );
}

/** The signed-out frame (sign-in, setting a password from a link): a centred card with the brand above the page. */
export function SignedOutCard({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="login">
      <div className="login-card">
        <p className="login-brand">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <span>MediaNest</span>
        </p>
        {children}
      </div>
    </main>
  );
}

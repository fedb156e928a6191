/** Entry point: start performance monitoring, render the app, then register the service worker (installable app, push). */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router-dom';
// The shared styles first, in this order; each component imports its own stylesheet after them.
import './styles/tokens.css';
import './styles/base.css';
import './styles/buttons.css';
import './styles/forms.css';
import './styles/rows.css';
import { createAppRouter } from './app/router';
import { initI18n } from './i18n';
import { performanceMonitor } from './utils/performance-monitoring';
import { registerServiceWorker } from './utils/web-push';

performanceMonitor.init();
initI18n();
const router = createAppRouter();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);

// After the page has loaded, so the worker never competes with the first paint. Only in a
// secure context (https:// or localhost), the only place browsers allow service workers.
if ('serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => void registerServiceWorker().catch(() => undefined), { once: true });
}

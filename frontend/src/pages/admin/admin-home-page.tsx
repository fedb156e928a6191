/** /admin: the administrator's index of tools. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { WatchlistAutoRequest } from '../../components/admin/watchlist-auto-request';
import { Page } from '../../components/page';
import './admin-home-page.css';

const TOOLS = [
  { to: '/admin/users', key: 'users' },
  { to: '/admin/requests', key: 'requests' },
  { to: '/admin/services', key: 'services' },
  { to: '/admin/notifications', key: 'notifications' },
  { to: '/admin/status', key: 'status' },
  { to: '/admin/playback', key: 'playback' },
  { to: '/admin/ops', key: 'ops' },
] as const;

export function AdminHomePage() {
  const { t } = useTranslation('admin');
  return (
    <Page title={t('home.title')} ready>
      <ul className="tool-list">
        {TOOLS.map((tool) => (
          <li key={tool.to} className="panel tool">
            <h2>
              <Link to={tool.to}>{t(`home.tools.${tool.key}.title`)}</Link>
            </h2>
            <p className="muted">{t(`home.tools.${tool.key}.text`)}</p>
          </li>
        ))}
      </ul>
      <WatchlistAutoRequest />
    </Page>
  );
}

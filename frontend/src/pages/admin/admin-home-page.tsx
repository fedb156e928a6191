/** /admin: the administrator's index of tools. */
import { Link } from 'react-router-dom';
import { WatchlistAutoRequest } from '../../components/admin/watchlist-auto-request';
import { Page } from '../../components/page';
import './admin-home-page.css';

const TOOLS = [
  { to: '/admin/users', title: 'Users', text: 'Who can sign in, and who is an administrator.' },
  { to: '/admin/requests', title: 'All requests', text: 'Every request in the household, by status.' },
  { to: '/admin/services', title: 'Monitored services', text: 'The services shown on the dashboard.' },
  {
    to: '/admin/notifications',
    title: 'Notification channels',
    text: 'ntfy, Discord, Slack, signed webhooks and e-mail, with a test button.',
  },
  {
    to: '/admin/status',
    title: 'Maintenance and announcements',
    text: 'Banners for everyone, and planned work that holds back outage messages and alerts.',
  },
  {
    to: '/admin/playback',
    title: 'Now playing',
    text: 'Who is watching what on Plex, direct play or transcode and why, hardware or software, bandwidth.',
  },
  { to: '/admin/ops', title: 'Operations', text: 'Traffic, errors, latency, dependencies, queues, Web Vitals and alerts.' },
];

export function AdminHomePage() {
  return (
    <Page title="Administration" ready>
      <ul className="tool-list">
        {TOOLS.map((tool) => (
          <li key={tool.to} className="panel tool">
            <h2>
              <Link to={tool.to}>{tool.title}</Link>
            </h2>
            <p className="muted">{tool.text}</p>
          </li>
        ))}
      </ul>
      <WatchlistAutoRequest />
    </Page>
  );
}

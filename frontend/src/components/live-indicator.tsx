/** "Live", "Reconnecting…": the state of the live-update connection, beside the heading of pages that update by themselves. */
import { useTranslation } from 'react-i18next';
import { useConnectionState } from '../realtime/socket';
import './live-indicator.css';

export function LiveIndicator() {
  const { t } = useTranslation('common');
  const state = useConnectionState();
  const label = {
    connected: t('live.connected'),
    reconnecting: t('live.reconnecting'),
    connecting: t('live.connecting'),
    offline: t('live.offline'),
  }[state];
  return (
    <span className={`live live-${state}`} role="status">
      <span className="live-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

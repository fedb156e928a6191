/** "Live", "Reconnecting…": the state of the live-update connection, beside the heading of pages that update by themselves. */
import { useConnectionState } from '../realtime/socket';
import './live-indicator.css';

export function LiveIndicator() {
  const state = useConnectionState();
  const label =
    state === 'connected' ? 'Live' : state === 'reconnecting' ? 'Reconnecting…' : state === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span className={`live live-${state}`} role="status">
      <span className="live-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

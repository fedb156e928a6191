/** Push on this device: enable or turn off, why it cannot be used here, and the member's devices with Remove. */
import { SUPPORT_MESSAGES } from '../../utils/web-push';
import { usePushDevices } from '../../hooks/use-push-devices';
import { ErrorMessage, Notice, SkeletonRows } from '../feedback';
import './push-devices.css';

type Push = ReturnType<typeof usePushDevices>;

function ThisDevice({ push }: { push: Push }) {
  if (push.support !== 'supported') return <Notice tone="warning">{SUPPORT_MESSAGES[push.support]}</Notice>;
  if (!push.publicKey) return <Notice tone="warning">Push notifications are turned off on this server.</Notice>;
  return (
    <div className="form-buttons">
      {push.thisDevice === undefined ? (
        <span className="muted" role="status">
          Checking this device…
        </span>
      ) : typeof push.thisDevice === 'number' ? (
        <button type="button" className="button" disabled={push.busy} onClick={() => void push.disable()}>
          Turn off push notifications on this device
        </button>
      ) : (
        <button type="button" className="button button-primary" disabled={push.busy} onClick={() => void push.enable()}>
          Enable push notifications on this device
        </button>
      )}
    </div>
  );
}

export function PushDevices() {
  const push = usePushDevices();
  const { state } = push;
  if (state.loading) return <SkeletonRows count={1} label="Loading your devices" />;
  if (state.error || !state.data) return <ErrorMessage message={state.error ?? 'Could not load your devices'} onRetry={state.reload} />;
  return (
    <div className="push-devices">
      <h3>Push on this device</h3>
      <ThisDevice push={push} />
      {push.done && <Notice tone="success">{push.done}</Notice>}
      {push.error && <ErrorMessage message={push.error} />}
      {state.data.devices.length > 0 && (
        <ul className="push-device-list" aria-label="Devices receiving push notifications">
          {state.data.devices.map((d) => (
            <li key={d.id}>
              <span>
                {d.label}
                {d.id === push.thisDevice && <span className="muted"> (this device)</span>}
                <span className="muted"> · since {new Date(d.createdAt).toLocaleDateString()}</span>
              </span>
              <button type="button" className="button button-small" disabled={push.busy} onClick={() => void push.remove(d.id)}>
                Remove {d.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Push on this device: enable or turn off, why it cannot be used here, and the member's devices with Remove. */
import { useTranslation } from 'react-i18next';
import { usePushDevices } from '../../hooks/use-push-devices';
import { ErrorMessage, Notice, SkeletonRows } from '../feedback';
import { formatDate } from '../format';
import './push-devices.css';

type Push = ReturnType<typeof usePushDevices>;

function ThisDevice({ push }: { push: Push }) {
  const { t } = useTranslation('notifications');
  if (push.support !== 'supported') return <Notice tone="warning">{t(`push.support.${push.support}`)}</Notice>;
  if (!push.publicKey) return <Notice tone="warning">{t('push.off')}</Notice>;
  return (
    <div className="form-buttons">
      {push.thisDevice === undefined ? (
        <span className="muted" role="status">
          {t('push.checking')}
        </span>
      ) : typeof push.thisDevice === 'number' ? (
        <button type="button" className="button" disabled={push.busy} onClick={() => void push.disable()}>
          {t('push.disable')}
        </button>
      ) : (
        <button type="button" className="button button-primary" disabled={push.busy} onClick={() => void push.enable()}>
          {t('push.enable')}
        </button>
      )}
    </div>
  );
}

export function PushDevices() {
  const { t } = useTranslation('notifications');
  const push = usePushDevices();
  const { state } = push;
  if (state.loading) return <SkeletonRows count={1} label={t('push.loading')} />;
  if (state.error || !state.data) return <ErrorMessage message={state.error ?? t('push.loadFailed')} onRetry={state.reload} />;
  return (
    <div className="push-devices">
      <h3>{t('push.heading')}</h3>
      <ThisDevice push={push} />
      {push.done && <Notice tone="success">{push.done}</Notice>}
      {push.error && <ErrorMessage message={push.error} />}
      {state.data.devices.length > 0 && (
        <ul className="push-device-list" aria-label={t('push.devices')}>
          {state.data.devices.map((d) => (
            <li key={d.id}>
              <span>
                {d.label}
                {d.id === push.thisDevice && <span className="muted"> {t('push.thisDevice')}</span>}
                <span className="muted"> · {t('push.since', { date: formatDate(d.createdAt) })}</span>
              </span>
              <button type="button" className="button button-small" disabled={push.busy} onClick={() => void push.remove(d.id)}>
                {t('common:removeItem', { name: d.label })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The Ops page's Backups panel: the newest database backup's size and age
 * and the schedule, or that PostgreSQL is backed up outside MediaNest.
 */
import { isObject, num, str, type JsonObject } from '../../api/read';
import { EmptyState } from '../feedback';
import { formatDateTime } from '../format';
import { Table } from '../table';
import { Badge, duration } from './ops-parts';

/** Backups older than this are late (the BackupTooOld alert's threshold). */
const BACKUP_LATE_SECONDS = 26 * 3600;

function bytes(n: number | undefined): string {
  if (n === undefined) return '—';
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function Backups({ backups }: { backups: JsonObject }) {
  const mode = str(backups.mode);
  if (mode === 'external') {
    return <p className="muted">PostgreSQL: back it up with pg_dump (see docs/backups.md); MediaNest takes no backups of it.</p>;
  }
  const latest = isObject(backups.latest) ? backups.latest : undefined;
  const age = num(latest?.ageSeconds);
  const late = mode === 'automatic' && (age === undefined || age > BACKUP_LATE_SECONDS);
  return (
    <>
      <p className="muted">
        {mode === 'automatic'
          ? `Every ${num(backups.intervalHours) ?? '?'} h into DATA_DIR/backups, the newest ${num(backups.keep) ?? '?'} kept (${num(backups.count) ?? 0} there now).`
          : 'Automatic backups are off (BACKUP_INTERVAL_HOURS=0); npm run admin -- backup takes one.'}
      </p>
      {latest ? (
        <Table
          label="Newest backup"
          head={['File', 'Size', 'Taken', 'Age']}
          rows={[
            [
              str(latest.file) ?? '—',
              bytes(num(latest.sizeBytes)),
              formatDateTime(str(latest.takenAt)),
              late ? <Badge tone="danger">{duration(age)}</Badge> : duration(age),
            ],
          ]}
        />
      ) : (
        <EmptyState>{late ? <Badge tone="danger">No backup yet</Badge> : 'No backup yet.'}</EmptyState>
      )}
    </>
  );
}

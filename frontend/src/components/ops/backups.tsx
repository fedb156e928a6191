/**
 * The Ops page's Backups panel: the newest database backup's size and age
 * and the schedule, or that PostgreSQL is backed up outside MediaNest.
 */
import { useTranslation } from 'react-i18next';
import { isObject, num, str, type JsonObject } from '../../api/read';
import { EmptyState } from '../feedback';
import { formatBytes, formatDateTime } from '../format';
import { Table } from '../table';
import { Badge, duration } from './ops-parts';

/** Backups older than this are late (the BackupTooOld alert's threshold). */
const BACKUP_LATE_SECONDS = 26 * 3600;

export function Backups({ backups }: { backups: JsonObject }) {
  const { t } = useTranslation('ops');
  const mode = str(backups.mode);
  if (mode === 'external') return <p className="muted">{t('backups.external')}</p>;
  const latest = isObject(backups.latest) ? backups.latest : undefined;
  const age = num(latest?.ageSeconds);
  const late = mode === 'automatic' && (age === undefined || age > BACKUP_LATE_SECONDS);
  return (
    <>
      <p className="muted">
        {mode === 'automatic'
          ? t('backups.automatic', {
              hours: num(backups.intervalHours) ?? '?',
              keep: num(backups.keep) ?? '?',
              count: num(backups.count) ?? 0,
            })
          : t('backups.off')}
      </p>
      {latest ? (
        <Table
          label={t('backups.newest')}
          head={[t('col.file'), t('col.size'), t('col.taken'), t('col.age')]}
          rows={[
            [
              str(latest.file) ?? '—',
              formatBytes(num(latest.sizeBytes)),
              formatDateTime(str(latest.takenAt)),
              late ? <Badge tone="danger">{duration(age)}</Badge> : duration(age),
            ],
          ]}
        />
      ) : (
        <EmptyState>{late ? <Badge tone="danger">{t('backups.none')}</Badge> : t('backups.none')}</EmptyState>
      )}
    </>
  );
}

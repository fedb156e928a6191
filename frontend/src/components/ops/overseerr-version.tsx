/** In the Ops page's headline: the version of the Overseerr server MediaNest talks to (the summary's `overseerr` field). */
import { useTranslation } from 'react-i18next';
import { isObject, str, type JsonObject } from '../../api/read';
import { formatDateTime } from '../format';

export function OverseerrVersion({ data }: { data: JsonObject }) {
  const { t } = useTranslation('ops');
  const overseerr = isObject(data.overseerr) ? data.overseerr : undefined;
  const version = str(overseerr?.version);
  if (!overseerr || !version) return null;
  return (
    <span title={t('headline.overseerrRead', { when: formatDateTime(str(overseerr.checkedAt) ?? null) })}>Overseerr {version} · </span>
  );
}

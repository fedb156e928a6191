/** In the Ops page's headline: the version of the Overseerr server MediaNest talks to (the summary's `overseerr` field). */
import { isObject, str, type JsonObject } from '../../api/read';
import { formatDateTime } from '../format';

export function OverseerrVersion({ data }: { data: JsonObject }) {
  const overseerr = isObject(data.overseerr) ? data.overseerr : undefined;
  const version = str(overseerr?.version);
  if (!overseerr || !version) return null;
  return (
    <span title={`Read from Overseerr's /api/v1/status ${formatDateTime(str(overseerr.checkedAt) ?? null)}`}>Overseerr {version} · </span>
  );
}

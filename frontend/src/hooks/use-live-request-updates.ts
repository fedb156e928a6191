/**
 * Applies 'request.updated' events to the requests a page shows (status,
 * stalled mark, last change) and returns the latest status change as a
 * sentence for a screen reader's live region.
 */
import { useState } from 'react';
import type { MediaRequest } from '../api/types';
import { i18next } from '../i18n';
import { useRealtimeEvent } from '../realtime/socket';

export function useLiveRequestUpdates<R extends MediaRequest>(
  setRequests: (update: (current: R[] | undefined) => R[] | undefined) => void,
  onlyRequestId?: number,
): string {
  const [announcement, setAnnouncement] = useState('');
  useRealtimeEvent('request.updated', (event) => {
    if (onlyRequestId !== undefined && event.requestId !== onlyRequestId) return;
    setRequests((current) =>
      current?.map((r) =>
        r.id === event.requestId
          ? {
              ...r,
              status: event.status,
              stalled: event.stalled ?? r.stalled,
              updatedAt: event.status !== event.previousStatus ? new Date().toISOString() : r.updatedAt,
            }
          : r,
      ),
    );
    // Download progress arrives every minute; only a status change is announced.
    if (event.status === event.previousStatus) return;
    setAnnouncement(i18next.t(`requests:live.${event.status}`, { title: event.title }));
  });
  return announcement;
}

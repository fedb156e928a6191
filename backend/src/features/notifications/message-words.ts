/** The words of each notification: a request's status change, and how long an outage lasted. */
import type { NotificationEvent } from '@medianest/contracts';

/** "3 minutes", "2 hours 5 minutes": how long an outage lasted, in the message. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${hours} hour${hours === 1 ? '' : 's'}${rest ? ` ${rest} minute${rest === 1 ? '' : 's'}` : ''}`;
}

/** The words of each request message. */
export function requestMessage(
  event: Exclude<NotificationEvent, 'service.down' | 'service.up' | 'announcement'>,
  title: string,
  mediaType: string,
): { title: string; body: string } {
  const what = mediaType === 'tv' ? 'show' : 'movie';
  switch (event) {
    case 'request.approved':
      return {
        title: `Approved: ${title}`,
        body: `Your request for the ${what} "${title}" was approved. You will hear when it is ready to watch.`,
      };
    case 'request.available':
      return { title: `Ready to watch: ${title}`, body: `"${title}", which you requested, is now available on Plex.` };
    case 'request.declined':
      return { title: `Declined: ${title}`, body: `Your request for the ${what} "${title}" was declined.` };
    case 'request.failed':
      return {
        title: `Failed: ${title}`,
        body: `Your request for the ${what} "${title}" could not be fulfilled. Ask the server owner about it.`,
      };
    case 'followed.available':
      return { title: `Ready to watch: ${title}`, body: `"${title}", a request you follow, is now available on Plex.` };
  }
}

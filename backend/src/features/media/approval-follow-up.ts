/**
 * Follow-ups after an approval. Overseerr sends MEDIA_APPROVED (and answers a
 * member's auto-approved request) before it marks the media PROCESSING, so at
 * that moment a request can only read "approved". Instead of leaving
 * "processing" to the next request-progress run, the request is read again
 * shortly after: first after `firstDelayMs`, then twice as long each time,
 * until the check reports it settled or the tries run out (the request-progress
 * and request-sync jobs still catch anything left). Timers live in this
 * process only: a restart loses them, never the outcome.
 */
import { logger } from '../../observability/logging/logger';
import { errorMessage } from '../../errors';

export class ApprovalFollowUps {
  private readonly pending = new Map<number, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly firstDelayMs: number,
    private readonly tries = 5,
  ) {}

  /**
   * Runs `check` for `key` (an Overseerr request id) after the delay, again
   * while it answers false. A key already waiting is not scheduled twice.
   */
  schedule(key: number, check: () => Promise<boolean>): void {
    if (this.closed || this.pending.has(key)) return;
    const attempt = (n: number) => {
      const timer = setTimeout(
        () => {
          if (this.closed) return;
          void check()
            .catch((err: unknown) => {
              logger().debug(
                { event: 'request.follow_up_failed', overseerr_request_id: key, err: errorMessage(err) },
                'Could not re-read an approved request',
              );
              return false;
            })
            .then((settled) => {
              this.pending.delete(key);
              if (!settled && n + 1 < this.tries && !this.closed) attempt(n + 1);
            });
        },
        this.firstDelayMs * 2 ** n,
      );
      timer.unref();
      this.pending.set(key, timer);
    };
    attempt(0);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}

/**
 * How the fake Overseerr's webhook agent misbehaves the way the real one
 * does, deterministically for tests. Seerr sometimes never sends
 * ISSUE_COMMENT (its notification reads the comment before the comment is
 * saved, "Could not find any entity of type IssueComment"): `lose(...n)`
 * drops the n-th ISSUE_COMMENT webhook (1-based, counted from the fake's
 * start), `loseAll()` every one from now on.
 */
export class IssueCommentLoss {
  private sent = 0;
  private readonly lost = new Set<number>();
  private all = false;

  /** Drops the n-th ISSUE_COMMENT webhooks (1-based). */
  lose(...nth: number[]): void {
    for (const n of nth) this.lost.add(n);
  }

  loseAll(value = true): void {
    this.all = value;
  }

  /** Counts one ISSUE_COMMENT about to be sent; true when it must be dropped instead. */
  dropsNext(): boolean {
    this.sent++;
    return this.all || this.lost.has(this.sent);
  }

  /** ISSUE_COMMENT webhooks the fake meant to send so far, lost ones included. */
  get count(): number {
    return this.sent;
  }
}

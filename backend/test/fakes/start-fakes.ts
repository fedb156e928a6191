/**
 * Runs the fake plex.tv, Plex and Overseerr as one process for manual tries
 * and browser tests: `npx tsx backend/test/fakes/start-fakes.ts`.
 * Prints the environment to give MediaNest; Ctrl-C stops them.
 * With MEDIANEST_URL set, the fake Overseerr sends its webhooks there.
 */
import { FAKE_WEBHOOK_SECRET, startUpstreams } from './upstreams';
import { errorMessage } from '../../src/errors';

async function main(): Promise<void> {
  const upstreams = await startUpstreams();
  if (process.env.MEDIANEST_URL) {
    upstreams.overseerr.setWebhook(`${process.env.MEDIANEST_URL.replace(/\/+$/, '')}/api/v1/webhooks/overseerr`, FAKE_WEBHOOK_SECRET);
  }
  // A ready-made Plex account with access to the fake server: authorize a PIN with this token.
  upstreams.plexTv.addAccount('fake-user-token-alice', 'alice', ['sharedServer', 'phone'], upstreams.plex.machineIdentifier);
  upstreams.plexTv.addAccount('fake-user-token-mallory', 'mallory', ['otherServer'], upstreams.plex.machineIdentifier);
  upstreams.plexTv.setWatchlist('fake-user-token-alice', ['severance', 'inception', 'the-dark-knight', 'the-matrix', 'free-solo']);
  for (const [k, v] of Object.entries(upstreams.env)) process.stdout.write(`${k}=${v}\n`);
  process.stdout.write(
    '# authorize a PIN: curl -XPOST -H "content-type: application/json" ' +
      `-d '{"authToken":"fake-user-token-alice"}' ${upstreams.plexTv.url}/__test/pins/<id>/authorize\n`,
  );
  const stop = () => void upstreams.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fakes failed to start: ${errorMessage(err)}\n`);
  process.exit(1);
});

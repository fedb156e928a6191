/**
 * Build step (`npm run build -w backend` runs `node dist/db/build-embedded-template.js`):
 * initialises the embedded database once, applies this build's migrations and
 * leaves the folder beside the compiled code, so a first start copies files
 * instead of running initdb (see embedded.ts). Skipped when the template for
 * this PGlite version and these migrations already exists.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_FOLDER } from './client';
import { openEmbeddedClient, pgliteVersion, TEMPLATE_DIR, TEMPLATE_MARKER, usableTemplate, type TemplateMarker } from './embedded';
import { errorMessage } from '../errors';

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of fs
    .readdirSync(MIGRATIONS_FOLDER)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    hash.update(file).update(fs.readFileSync(path.join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

export async function buildEmbeddedTemplate(target = TEMPLATE_DIR): Promise<'built' | 'up to date'> {
  const migrations = migrationsHash();
  if (usableTemplate(target)) {
    const marker = JSON.parse(fs.readFileSync(path.join(target, TEMPLATE_MARKER), 'utf8')) as TemplateMarker & { migrations?: string };
    if (marker.migrations === migrations) return 'up to date';
  }
  const staging = `${target}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const client = await openEmbeddedClient(staging, { templateDir: staging /* none yet: initdb */ });
  try {
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    await client.query('CHECKPOINT');
  } finally {
    await client.close();
  }
  const marker: TemplateMarker & { migrations: string } = {
    pgliteVersion: pgliteVersion(),
    createdAt: new Date().toISOString(),
    migrations,
  };
  fs.writeFileSync(path.join(staging, TEMPLATE_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target);
  return 'built';
}

if (require.main === module) {
  const started = Date.now();
  buildEmbeddedTemplate().then(
    (result) =>
      process.stdout.write(
        `embedded database template ${result} (${path.relative(process.cwd(), TEMPLATE_DIR)}, ${Date.now() - started} ms)\n`,
      ),
    (err: unknown) => {
      process.stderr.write(`building the embedded database template failed: ${errorMessage(err)}\n`);
      process.exit(1);
    },
  );
}

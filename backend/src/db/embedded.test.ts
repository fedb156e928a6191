import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEmbeddedTemplate } from './build-embedded-template';
import { EMBEDDED_SETTINGS, isInitialised, openEmbeddedClient, TEMPLATE_MARKER, usableTemplate } from './embedded';

// The embedded database is the same in both test projects; these tests open their own folders.
let root: string;
let template: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-embedded-'));
  template = path.join(root, 'template');
  await buildEmbeddedTemplate(template); // initdb in a child process, then this build's migrations
}, 120_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function setting(dir: string, name: string): Promise<string> {
  const client = await openEmbeddedClient(dir, { templateDir: template });
  try {
    const { rows } = await client.query<{ value: string }>(`SELECT current_setting('${name}') AS value`);
    return rows[0]!.value;
  } finally {
    await client.close();
  }
}

describe('embedded database start', () => {
  it('builds a template with the migrations applied, marked with the PGlite version', async () => {
    expect(usableTemplate(template)).toBe(template);
    expect(await buildEmbeddedTemplate(template)).toBe('up to date');
    const dir = path.join(root, 'from-template');
    const client = await openEmbeddedClient(dir, { templateDir: template });
    try {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
      expect(rows[0]!.n).toBeGreaterThan(0);
      await client.query('SELECT id FROM users LIMIT 1'); // the schema is there
    } finally {
      await client.close();
    }
    expect(fs.existsSync(path.join(dir, TEMPLATE_MARKER))).toBe(false);
  });

  it('runs with the chosen memory settings on a first start and on a restart', async () => {
    const dir = path.join(root, 'settings');
    expect(await setting(dir, 'shared_buffers')).toBe(EMBEDDED_SETTINGS.shared_buffers);
    expect(isInitialised(dir)).toBe(true);
    expect(await setting(dir, 'shared_buffers')).toBe(EMBEDDED_SETTINGS.shared_buffers);
    expect(await setting(dir, 'maintenance_work_mem')).toBe(EMBEDDED_SETTINGS.maintenance_work_mem);
  });

  it('applies the settings to a data folder made by an earlier version with other settings', async () => {
    const dir = path.join(root, 'older');
    fs.cpSync(template, dir, { recursive: true });
    // An older data folder: PostgreSQL's default buffers written into its configuration.
    fs.appendFileSync(path.join(dir, 'postgresql.conf'), '\nshared_buffers = 128MB\n');
    expect(await setting(dir, 'shared_buffers')).toBe(EMBEDDED_SETTINGS.shared_buffers);
  });

  it('redoes a copy that was interrupted (no PG_VERSION yet) instead of opening half a database', async () => {
    const dir = path.join(root, 'interrupted');
    fs.mkdirSync(path.join(dir, 'base'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'postgresql.conf'), 'garbage = \n');
    expect(isInitialised(dir)).toBe(false);
    expect(await setting(dir, 'shared_buffers')).toBe(EMBEDDED_SETTINGS.shared_buffers);
  });

  it('initialises in a child process when no template matches the installed PGlite', async () => {
    const foreign = path.join(root, 'foreign-template');
    fs.cpSync(template, foreign, { recursive: true });
    fs.writeFileSync(path.join(foreign, TEMPLATE_MARKER), JSON.stringify({ pgliteVersion: '0.0.1', createdAt: new Date().toISOString() }));
    expect(usableTemplate(foreign)).toBeUndefined();
    const dir = path.join(root, 'initdb');
    const client = await openEmbeddedClient(dir, { templateDir: foreign });
    try {
      // A fresh initdb: no migrations table (the template's would be there).
      const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'drizzle'");
      expect(rows[0]!.n).toBe(0);
    } finally {
      await client.close();
    }
  }, 120_000);
});

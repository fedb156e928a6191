/**
 * Prepares, once per test run, an embedded database folder with migrations
 * applied; each test file copies it instead of running initdb again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/client';

export default async function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  const template = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-template-'));
  const db = await openDatabase({ dataDir: template });
  await db.close();
  provide('pgliteTemplate', template);
  return () => fs.rmSync(template, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

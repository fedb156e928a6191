/**
 * The real process, as an operator runs it: first start prints the generated
 * admin password once, data survives a restart, SIGTERM lets an in-flight
 * request finish and exits 0, DATA_DIR is private to the account.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, prepareTestEnv, type TestEnv } from '../test/context';
import { nodeKeepsCompileCache } from './code-cache';

const MAIN = path.resolve(__dirname, '../dist/main.js');

interface Proc {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  port: number;
  exited: Promise<number | null>;
}

async function startProcess(env: Record<string, string>): Promise<Proc> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'info' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /"event":"server.started"[^\n]*"port":(\d+)/.exec(out);
    if (m) return { child, stdout: () => out, port: Number(m[1]), exited };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`process did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function login(port: number, password: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  return res.status;
}

describe('the MediaNest process', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await prepareTestEnv();
    delete env.env.ADMIN_PASSWORD;
  });
  afterAll(() => env.cleanup());

  it('prints a generated admin password once, and keeps it across restarts', async () => {
    const first = await startProcess(env.env);
    const m = /created administrator "admin" with password: (\S+)/.exec(first.stdout());
    expect(m).not.toBeNull();
    const password = m![1]!;
    expect(await login(first.port, password)).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // The password reached the terminal only: no log line carries it.
    const logLines = first
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.some((l) => l.includes(password))).toBe(false);

    const second = await startProcess(env.env);
    expect(second.stdout()).not.toMatch(/with password/);
    expect(await login(second.port, password)).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('restarts from the code cache its previous run left (Node 20: code-cache.ts; later Node versions cache it themselves)', async () => {
    if (nodeKeepsCompileCache()) return;
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-main-cache-'));
    try {
      const cacheEnv = { ...env.env, NODE_COMPILE_CACHE: folder };
      const cacheFile = () => {
        const files = fs.readdirSync(folder);
        expect(files).toHaveLength(1);
        const stat = fs.statSync(path.join(folder, files[0]!));
        return { name: files[0], ino: stat.ino, mtimeMs: stat.mtimeMs };
      };
      const first = await startProcess(cacheEnv);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      const written = cacheFile();
      expect(written.name).toMatch(env.env.DATABASE_URL ? /^medianest-main-postgresql-/ : /^medianest-main-embedded-db-/);
      // V8 refuses a cache written under other V8 flags and the run then writes a new one: the flags a
      // run sets (the embedded database's included) must be in force before the bundle is compiled.
      const second = await startProcess(cacheEnv);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(cacheFile()).toEqual(written);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('finishes an in-flight request on SIGTERM, refuses new connections, and exits 0', async () => {
    const proc = await startProcess({ ...env.env, ADMIN_PASSWORD: 'ignored-after-first-start' });
    const body = JSON.stringify({ username: 'admin', password: 'not-the-password' });
    const socket = net.connect(proc.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString()));
    // Send the headers and half the body, then ask the process to stop.
    socket.write(
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n` +
        body.slice(0, 10),
    );
    await new Promise((r) => setTimeout(r, 200));
    proc.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    // A new connection is refused while the old one is still being served.
    const refused = await fetch(`http://127.0.0.1:${proc.port}/health/live`).then(
      () => false,
      () => true,
    );
    expect(refused).toBe(true);
    socket.write(body.slice(10));
    const code = await proc.exited;
    expect(response).toMatch(/^HTTP\/1\.1 401/);
    expect(code).toBe(0);
  });

  describe('DATA_DIR permissions', () => {
    /** Every entry under `root` whose mode is not owner-only (0700 directories, 0600 files). */
    function openEntries(root: string): string[] {
      const open: string[] = [];
      const visit = (p: string) => {
        const stat = fs.lstatSync(p);
        const mode = stat.mode & 0o777;
        if (stat.isDirectory() ? mode !== 0o700 : stat.isFile() && mode !== 0o600) {
          open.push(`${mode.toString(8)} ${path.relative(root, p) || '.'}`);
        }
        if (stat.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
      };
      visit(root);
      return open;
    }

    function countFiles(root: string): number {
      return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    }

    async function runAndStop(environment: Record<string, string>): Promise<string> {
      const proc = await startProcess(environment);
      expect(await login(proc.port, ADMIN_PASSWORD)).toBe(200); // a write: session row, WAL
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      return proc.stdout();
    }

    it('creates a new DATA_DIR 0700 with every file in it 0600, the embedded database and the logs included', async () => {
      const env2 = await prepareTestEnv();
      try {
        const dataDir = path.join(env2.dataDir, 'new-install');
        await runAndStop({ ...env2.env, DATA_DIR: dataDir });
        expect(countFiles(dataDir)).toBeGreaterThan(0);
        expect(openEntries(dataDir)).toEqual([]);
      } finally {
        await env2.cleanup();
      }
    });

    it('makes an existing install private at start (files left 0666 and directories 0777 by earlier versions)', async () => {
      const env2 = await prepareTestEnv();
      try {
        fs.mkdirSync(path.join(env2.dataDir, 'logs'), { recursive: true });
        fs.writeFileSync(path.join(env2.dataDir, 'logs', 'medianest.2020-01-01.1.log'), '{}\n');
        for (const entry of fs.readdirSync(env2.dataDir, { recursive: true, withFileTypes: true })) {
          const p = path.join(entry.parentPath, entry.name);
          fs.chmodSync(p, entry.isDirectory() ? 0o777 : 0o666);
        }
        fs.chmodSync(env2.dataDir, 0o777);
        expect(openEntries(env2.dataDir).length).toBeGreaterThan(1);
        const out = await runAndStop(env2.env);
        expect(out).toMatch(/"event":"data_dir.permissions_tightened"/);
        expect(openEntries(env2.dataDir)).toEqual([]);
      } finally {
        await env2.cleanup();
      }
    });
  });
});

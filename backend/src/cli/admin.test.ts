/**
 * `npm run admin -- reset-password <username>`, spawned as the owner would run it (from backend/dist,
 * so `npm run build -w backend` first), against this test's own database: embedded or PostgreSQL.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { loadConfig } from '../config';
import { createContainer, type Container } from '../container';
import { createUser, loginCookie } from '../../test/auth-helpers';
import { ADMIN_PASSWORD, prepareTestEnv, testMode, type TestEnv } from '../../test/context';
import { io as connect } from 'socket.io-client';
import { startServer, type RunningServer } from '../server';

const CLI = path.resolve(__dirname, '../../dist/cli/admin.js');

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // No terminal: stdin is closed, so any prompt would hang or fail.
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let testEnv: TestEnv | undefined;
let container: Container | undefined;
let running: RunningServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  await container?.close();
  container = undefined;
  await testEnv?.cleanup();
  testEnv = undefined;
});

async function open(env: Record<string, string>) {
  container = await createContainer(loadConfig(env));
  await container.auth.ensureAdmin('admin', ADMIN_PASSWORD);
  return buildApp(container);
}

// Each case spawns the CLI a few times (a Node process opening the database): on a busy machine that takes a while.
describe('npm run admin -- reset-password', { timeout: 120_000 }, () => {
  it('sets ADMIN_PASSWORD, or prints a generated password, and signs the account out everywhere', async () => {
    testEnv = await prepareTestEnv();
    let app = await open(testEnv.env);
    const oldSession = await loginCookie(app);
    await container!.close();
    container = undefined;

    const given = await runCli(['reset-password', 'admin'], { ...testEnv.env, ADMIN_PASSWORD: 'owner-is-back-1' });
    expect(given.stderr).toBe('');
    expect(given.code).toBe(0);
    expect(given.stdout).toMatch(/Password of "admin" set to ADMIN_PASSWORD/);
    expect(given.stdout).not.toContain('owner-is-back-1');

    app = await open(testEnv.env);
    expect((await request(app).get('/api/v1/auth/session').set('Cookie', oldSession)).status).toBe(401);
    expect((await request(app).post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD })).status).toBe(401);
    await loginCookie(app, 'admin', 'owner-is-back-1');
    await container!.close();
    container = undefined;

    const { ADMIN_PASSWORD: _unset, ...withoutPassword } = testEnv.env;
    const generated = await runCli(['reset-password', 'ADMIN'], withoutPassword);
    expect(generated.code).toBe(0);
    const printed = /New password \(shown only this once\): (\S+)/.exec(generated.stdout)?.[1];
    expect(printed).toBeDefined();
    app = await open(testEnv.env);
    await loginCookie(app, 'admin', printed);
  });

  it("never hands a member the owner's ADMIN_PASSWORD unless told to, and voids the member's unused reset links", async () => {
    testEnv = await prepareTestEnv();
    let app = await open(testEnv.env);
    const owner = await loginCookie(app);
    await createUser(app, container!, 'olive', { password: 'olive-password' });
    const olive = (await container!.users.findByUsername('olive'))!;
    const link = await container!.auth.issuePasswordReset(olive, undefined);
    expect(owner).toBeTruthy();
    await container!.close();
    container = undefined;

    // Compose and Kubernetes keep ADMIN_PASSWORD in the environment: a member's reset still gets a generated password.
    const env = { ...testEnv.env, ADMIN_PASSWORD: 'owner-secret-1' };
    const member = await runCli(['reset-password', 'olive'], env);
    expect(member.code).toBe(0);
    const printed = /New password \(shown only this once\): (\S+)/.exec(member.stdout)?.[1];
    expect(printed).toBeDefined();
    expect(printed).not.toBe('owner-secret-1');

    app = await open(testEnv.env);
    expect((await request(app).post('/api/v1/auth/login').send({ username: 'olive', password: 'owner-secret-1' })).status).toBe(401);
    await loginCookie(app, 'olive', printed);
    // The link sent before the reset is void.
    expect((await request(app).post('/api/v1/auth/password-reset').send({ token: link.token, newPassword: 'taken-over-1' })).status).toBe(
      410,
    );
    await container!.close();
    container = undefined;

    // Asked for explicitly, it is used.
    const explicit = await runCli(['reset-password', 'olive', '--use-admin-password'], env);
    expect(explicit.code).toBe(0);
    expect(explicit.stdout).toMatch(/Password of "olive" set to ADMIN_PASSWORD/);
    app = await open(testEnv.env);
    await loginCookie(app, 'olive', 'owner-secret-1');
    await container!.close();
    container = undefined;
    const { ADMIN_PASSWORD: _unset, ...withoutPassword } = testEnv.env;
    const without = await runCli(['reset-password', 'olive', '--use-admin-password'], withoutPassword);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/--use-admin-password needs ADMIN_PASSWORD/);
  });

  it('names the problem and exits 1 for an unknown account, a weak ADMIN_PASSWORD, or a bad command', async () => {
    testEnv = await prepareTestEnv();
    await open(testEnv.env);
    await container!.close();
    container = undefined;
    const unknown = await runCli(['reset-password', 'nobody'], testEnv.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no account named "nobody"/);
    const weak = await runCli(['reset-password', 'admin'], { ...testEnv.env, ADMIN_PASSWORD: 'short' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/ADMIN_PASSWORD must be at least 8 characters/);
    const usage = await runCli(['frobnicate'], testEnv.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage: npm run admin -- reset-password <username>/);
  });

  it(`while MediaNest is running: ${testMode === 'embedded' ? 'refuses the open embedded database, saying to stop it' : 'works against PostgreSQL, and the account’s live connections close'}`, async () => {
    testEnv = await prepareTestEnv();
    running = await startServer(loadConfig(testEnv.env));
    const app = buildApp(running.container);
    const before = await loginCookie(app);
    const socket = connect(`http://127.0.0.1:${running.port}`, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie: before },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    try {
      const run = await runCli(['reset-password', 'admin'], { ...testEnv.env, ADMIN_PASSWORD: 'owner-is-back-1' });
      if (testMode === 'embedded') {
        // Only one process may open an embedded database: the CLI must not touch it, and must say why.
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/is in use .*MediaNest is probably running\. Stop it first/);
        expect((await request(app).get('/api/v1/auth/session').set('Cookie', before)).status).toBe(200);
        expect(socket.connected).toBe(true);
        await loginCookie(app, 'admin', ADMIN_PASSWORD);
      } else {
        expect(run.code).toBe(0);
        expect((await request(app).get('/api/v1/auth/session').set('Cookie', before)).status).toBe(401);
        // The running process's connections of that account were closed through Redis.
        expect(await closed).toBe('io server disconnect');
        await loginCookie(app, 'admin', 'owner-is-back-1');
      }
    } finally {
      socket.disconnect();
    }
  });
});

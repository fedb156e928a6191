/**
 * Browser-session hardening: another page cannot act for a signed-in member,
 * an https PUBLIC_URL means Secure cookies and HSTS, and TRUST_PROXY=true
 * says at start what it costs.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createTestApp, startTestServer, type TestApp } from '../../test/context';
import { createUser, loginCookie } from '../../test/auth-helpers';
import { captureLogs } from '../../test/metrics-helpers';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ ALERTS_WEBHOOK_TOKEN: 'alert-token-123' });
});
afterAll(() => t.cleanup());

const signedIn = async (cookie: string) => (await request(t.app).get('/api/v1/auth/session').set('Cookie', cookie)).status;

describe('state-changing API requests from another page', () => {
  it('an empty-body form POST cannot sign a member out', async () => {
    const { cookie } = await createUser(t.app, t.container, 'forged');
    // What a cross-site <form method="post" action=".../auth/logout"> sends: the cookie, a form type, no body.
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', undefined]) {
      const req = request(t.app).post('/api/v1/auth/logout').set('Cookie', cookie).set('Origin', 'http://evil.example');
      const res = await (contentType ? req.set('Content-Type', contentType) : req);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect(res.body.error.message).toMatch(/application\/json.*X-Requested-With/);
    }
    expect(await signedIn(cookie)).toBe(200);
  });

  it('every state-changing method needs the header or a JSON type; reads do not', async () => {
    const admin = await loginCookie(t.app);
    const { id } = await createUser(t.app, t.container, 'target');
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      const res = await request(t.app)[method](`/api/v1/admin/users/${id}`).set('Cookie', admin);
      expect(res.status, method).toBe(403);
    }
    expect((await request(t.app).get('/api/v1/admin/users').set('Cookie', admin)).status).toBe(200);
    // The account was not changed by any of them.
    expect((await t.container.users.findById(id))?.enabled).toBe(true);
  });

  it('the web app (X-Requested-With) and JSON clients still can, even with an empty body', async () => {
    const a = await createUser(t.app, t.container, 'leaver-a');
    const out = await request(t.app).post('/api/v1/auth/logout').set('Cookie', a.cookie).set('X-Requested-With', 'XMLHttpRequest');
    expect(out.status).toBe(204);
    expect(await signedIn(a.cookie)).toBe(401);
    const b = await createUser(t.app, t.container, 'leaver-b');
    const json = await request(t.app).post('/api/v1/auth/logout').set('Cookie', b.cookie).set('Content-Type', 'application/json');
    expect(json.status).toBe(204);
    expect(await signedIn(b.cookie)).toBe(401);
  });

  it('server-to-server webhooks, which post JSON with a token, are unaffected', async () => {
    const alert = await request(t.app)
      .post('/api/v1/alerts/webhook')
      .set('Authorization', 'Bearer alert-token-123')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ version: '4', status: 'firing', receiver: 'medianest', alerts: [] }));
    expect(alert.status).toBe(200);
    // Not configured here: the answer is about the secret, not about the request's shape.
    const overseerr = await request(t.app)
      .post('/api/v1/webhooks/overseerr')
      .set('Content-Type', 'application/json')
      .send('{"notification_type":"TEST_NOTIFICATION"}');
    expect(overseerr.body.error.code).toBe('NOT_CONFIGURED');
  });
});

describe('PUBLIC_URL', () => {
  it('https: cookies are Secure and responses carry HSTS, even over the plain-http hop from the proxy', async () => {
    const https = await createTestApp({ PUBLIC_URL: 'https://media.example.com' });
    try {
      const res = await request(https.app).post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
      expect(res.status).toBe(200);
      expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{6,}/);
      const out = await request(https.app)
        .post('/api/v1/auth/logout')
        .set('X-Requested-With', 'XMLHttpRequest')
        .set('Cookie', String(res.headers['set-cookie']).split(';')[0]!);
      expect(String(out.headers['set-cookie'])).toMatch(/; Secure/);
      const pin = await request(https.app).get('/health/live');
      expect(pin.headers['strict-transport-security']).toBeDefined();
    } finally {
      await https.cleanup();
    }
  });

  it('http or unset: no HSTS and no Secure cookie over plain http (LAN installs keep working)', async () => {
    const res = await request(t.app).post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(String(res.headers['set-cookie'])).not.toMatch(/Secure/);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const http = await createTestApp({ PUBLIC_URL: 'http://192.168.1.10:4000' });
    try {
      const lan = await request(http.app).post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
      expect(String(lan.headers['set-cookie'])).not.toMatch(/Secure/);
      expect(lan.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await http.cleanup();
    }
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    ['true', 1],
    ['1', 0],
    ['loopback', 0],
  ])('TRUST_PROXY=%s warns at start %i time(s)', async (value, warnings) => {
    const logs = captureLogs('info');
    const s = await startTestServer({ TRUST_PROXY: value, PROMETHEUS_ENABLED: 'false' });
    try {
      const lines = logs.lines.filter((l) => l.event === 'config.trust_proxy_all');
      expect(lines).toHaveLength(warnings);
      if (warnings) expect(String(lines[0]!.message)).toMatch(/any client can pick its own IP.*TRUST_PROXY=1/);
    } finally {
      logs.restore();
      await s.cleanup();
    }
  });
});

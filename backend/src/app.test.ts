import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/context';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.cleanup());

describe('HTTP contract', () => {
  it('answers unknown API routes with a JSON 404', async () => {
    const res = await request(t.app).get('/api/v1/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('refuses bodies over 100 kB with 413', async () => {
    const res = await request(t.app)
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ username: 'admin', password: 'x'.repeat(110_000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses non-JSON bodies on JSON routes with 415', async () => {
    const form = await request(t.app).post('/api/v1/auth/login').type('form').send('username=admin&password=x');
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const text = await request(t.app).post('/api/v1/auth/login').set('Content-Type', 'text/plain').send('hello');
    expect(text.status).toBe(415);
  });

  it('answers malformed JSON with 400, without a stack trace', async () => {
    const res = await request(t.app).post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"username": ');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'BAD_REQUEST', message: 'Request body is not valid JSON' });
    expect(JSON.stringify(res.body)).not.toMatch(/at .+\(.+:\d+:\d+\)/);
  });

  it('sends security headers', async () => {
    const res = await request(t.app).get('/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('echoes a valid X-Request-Id and generates one otherwise', async () => {
    const given = await request(t.app).get('/health/live').set('X-Request-Id', 'abc-12345-def');
    expect(given.headers['x-request-id']).toBe('abc-12345-def');
    const hostile = await request(t.app).get('/health/live').set('X-Request-Id', 'bad id\nwith newline'.replace('\n', ' '));
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

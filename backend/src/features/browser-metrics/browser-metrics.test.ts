import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/context';
import { registrySum } from '../../../test/metrics-helpers';
import { spaRouteLabel } from '../../observability/metrics/frontend-routes';
import { rate, webVitalsP75 } from './browser-metrics.service';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ BROWSER_METRICS_RATE_LIMIT: '100000' });
});
afterAll(() => t.cleanup());

const count = (metric: string, labels: Record<string, string>) => registrySum(metric, labels, `${metric}_count`);
const sum = (metric: string, labels: Record<string, string>) => registrySum(metric, labels, `${metric}_sum`);

describe('POST /api/v1/metrics/web-vitals', () => {
  it('observes each vital in seconds (CLS unitless) by route template, with the rating recomputed', async () => {
    const lcp = { route: '/discover', rating: 'poor' };
    const before = {
      lcp: await count('medianest_web_vitals_lcp_seconds', lcp),
      lcpSum: await sum('medianest_web_vitals_lcp_seconds', lcp),
    };
    const res = await request(t.app)
      .post('/api/v1/metrics/web-vitals')
      .send({
        metrics: [
          // The browser says "good"; 4.5 s is poor by the LCP thresholds, and the server decides.
          { name: 'LCP', value: 4500, rating: 'good', route: '/discover', navigationType: 'navigate', id: 'v5-1' },
          { name: 'CLS', value: 0.05, route: '/requests/42' },
          { name: 'INP', value: 350, rating: 'needs-improvement', route: '/library/abc?sort=title' },
          { name: 'FCP', value: 900, route: '/admin/ops' },
          { name: 'TTFB', value: 2000, route: '/wp-admin/setup.php' },
        ],
      });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 5 });
    expect(await count('medianest_web_vitals_lcp_seconds', lcp)).toBe(before.lcp + 1);
    expect(await sum('medianest_web_vitals_lcp_seconds', lcp)).toBeCloseTo(before.lcpSum + 4.5, 6);
    expect(await count('medianest_web_vitals_lcp_seconds', { route: '/discover', rating: 'good' })).toBe(0);
    expect(await count('medianest_web_vitals_cls', { route: '/requests/:id', rating: 'good' })).toBeGreaterThanOrEqual(1);
    expect(await count('medianest_web_vitals_inp_seconds', { route: '/library/:key', rating: 'needs-improvement' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(await count('medianest_web_vitals_fcp_seconds', { route: '/admin/ops', rating: 'good' })).toBeGreaterThanOrEqual(1);
    expect(await count('medianest_web_vitals_ttfb_seconds', { route: 'other', rating: 'poor' })).toBeGreaterThanOrEqual(1);
    // The Ops page's p75 keeps the browser's units.
    expect(webVitalsP75()).toContainEqual({ route: '/discover', metric: 'LCP', p75: 4500, rating: 'poor', samples: expect.any(Number) });
  });

  it('accepts sendBeacon posts sent as text/plain', async () => {
    const labels = { route: '/login', rating: 'good' };
    const before = await count('medianest_web_vitals_ttfb_seconds', labels);
    const res = await request(t.app)
      .post('/api/v1/metrics/web-vitals')
      .set('Content-Type', 'text/plain;charset=UTF-8')
      .send(JSON.stringify({ metrics: [{ name: 'TTFB', value: 120, route: '/login' }] }));
    expect(res.status).toBe(202);
    expect(await count('medianest_web_vitals_ttfb_seconds', labels)).toBe(before + 1);
  });

  it.each([
    ['an unknown name', { metrics: [{ name: 'FID', value: 10, route: '/' }] }],
    ['a negative value', { metrics: [{ name: 'LCP', value: -1, route: '/' }] }],
    ['a time over 60 s', { metrics: [{ name: 'LCP', value: 60_001, route: '/' }] }],
    ['a CLS over 10', { metrics: [{ name: 'CLS', value: 11, route: '/' }] }],
    ['a value as a string', { metrics: [{ name: 'LCP', value: 'NaN', route: '/' }] }],
    ['an unknown field', { metrics: [{ name: 'LCP', value: 1, route: '/', userAgent: 'x' }] }],
    ['an unknown rating', { metrics: [{ name: 'LCP', value: 1, route: '/', rating: 'great' }] }],
    ['no route', { metrics: [{ name: 'LCP', value: 1 }] }],
    ['no metrics', { metrics: [] }],
  ])('rejects %s with 400 and observes nothing from the post', async (_what, body) => {
    const before = await count('medianest_web_vitals_lcp_seconds', { route: '/' });
    // A valid entry first: a post is all or nothing.
    const withValid = { metrics: [{ name: 'LCP', value: 1000, route: '/' }, ...body.metrics] };
    const res = await request(t.app)
      .post('/api/v1/metrics/web-vitals')
      .send(body.metrics.length ? withValid : body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: expect.any(Array) });
    expect(await count('medianest_web_vitals_lcp_seconds', { route: '/' })).toBe(before);
  });

  it('answers 413 above 50 entries or 16 kB and 415 for other content types', async () => {
    const many = { metrics: Array.from({ length: 51 }, () => ({ name: 'LCP', value: 1, route: '/' })) };
    expect((await request(t.app).post('/api/v1/metrics/web-vitals').send(many)).status).toBe(413);
    const big = { metrics: [{ name: 'LCP', value: 1, route: '/', id: 'x'.repeat(17_000) }] };
    const tooBig = await request(t.app).post('/api/v1/metrics/web-vitals').send(big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.message).toMatch(/16 kB/);
    const form = await request(t.app).post('/api/v1/metrics/web-vitals').type('form').send('name=LCP&value=1');
    expect(form.status).toBe(415);
  });
});

describe('POST /api/v1/metrics/custom', () => {
  it('observes navigation durations by destination route template', async () => {
    const before = await count('medianest_frontend_navigation_duration_seconds', { route: '/requests/:id' });
    const single = await request(t.app)
      .post('/api/v1/metrics/custom')
      .send({
        name: 'navigation_duration',
        value: 250,
        labels: { from_route: '/requests', to_route: '/requests/7' },
        timestamp: Date.now(),
      });
    expect(single.status).toBe(202);
    const batch = await request(t.app)
      .post('/api/v1/metrics/custom')
      .send({ metrics: [{ name: 'navigation_duration', value: 100, labels: { route: '/requests/:id' } }] });
    expect(batch.status).toBe(202);
    expect(await count('medianest_frontend_navigation_duration_seconds', { route: '/requests/:id' })).toBe(before + 2);
  });

  it('labels API timings with a template this server routes (else other) and a status class', async () => {
    // The server has routed /api/v1/auth/session, so it is a known template.
    await request(t.app).get('/api/v1/auth/session');
    const res = await request(t.app)
      .post('/api/v1/metrics/custom')
      .send({
        metrics: [
          { name: 'api_request_duration', value: 80, labels: { endpoint: '/api/v1/auth/session', method: 'GET', status_code: '401' } },
          { name: 'api_request_duration', value: 80, labels: { endpoint: '/api/v1/secret/12345', method: 'GET', status_code: 200 } },
          { name: 'api_request_duration', value: 80, labels: { endpoint: '/api/v1/auth/session', method: 'GET', status_code: 0 } },
        ],
      });
    expect(res.status).toBe(202);
    const metric = 'medianest_frontend_api_request_duration_seconds';
    expect(await count(metric, { endpoint: '/api/v1/auth/session', method: 'GET', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
    expect(await count(metric, { endpoint: 'other', method: 'GET', status_class: '2xx' })).toBeGreaterThanOrEqual(1);
    expect(await count(metric, { endpoint: '/api/v1/auth/session', method: 'GET', status_class: 'network' })).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['an unknown name', { name: 'page_views', value: 1, labels: {} }],
    ['an unknown label', { name: 'navigation_duration', value: 1, labels: { to_route: '/', user_id: '7' } }],
    [
      'an unknown method',
      { name: 'api_request_duration', value: 1, labels: { endpoint: '/api/v1/x', method: 'TRACE', status_code: '200' } },
    ],
    ['a made-up status', { name: 'api_request_duration', value: 1, labels: { endpoint: '/api/v1/x', method: 'GET', status_code: '99' } }],
    ['an hour-long duration', { name: 'navigation_duration', value: 3_600_000, labels: { to_route: '/' } }],
  ])('rejects %s with 400', async (_what, body) => {
    const res = await request(t.app).post('/api/v1/metrics/custom').send(body);
    expect(res.status).toBe(400);
  });
});

describe('rate limiting', () => {
  it('limits posts per client IP with the default limit', async () => {
    const limited = await createTestApp();
    try {
      const post = () =>
        request(limited.app)
          .post('/api/v1/metrics/web-vitals')
          .send({ metrics: [{ name: 'TTFB', value: 100, route: '/' }] });
      let last = await post();
      let accepted = 0;
      for (let i = 0; i < 200 && last.status === 202; i++) {
        accepted++;
        last = await post();
      }
      expect(accepted).toBe(limited.config.BROWSER_METRICS_RATE_LIMIT);
      expect(last.status).toBe(429);
      expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.cleanup();
    }
  });
});

describe('labels and ratings', () => {
  it('maps concrete paths to SPA templates and anything else to other', () => {
    expect(spaRouteLabel('/')).toBe('/');
    expect(spaRouteLabel('/requests/')).toBe('/requests');
    expect(spaRouteLabel('/library/12345#top')).toBe('/library/:key');
    expect(spaRouteLabel('/admin/users')).toBe('/admin/users');
    expect(spaRouteLabel('/admin/users/7')).toBe('other');
    expect(spaRouteLabel('https://evil.example/')).toBe('other');
    expect(spaRouteLabel('/requests/<script>')).toBe('other');
  });

  it('rates by the web-vitals thresholds', () => {
    expect(rate('LCP', 2500)).toBe('good');
    expect(rate('LCP', 2501)).toBe('needs-improvement');
    expect(rate('LCP', 4001)).toBe('poor');
    expect(rate('INP', 200)).toBe('good');
    expect(rate('INP', 501)).toBe('poor');
    expect(rate('CLS', 0.1)).toBe('good');
    expect(rate('CLS', 0.26)).toBe('poor');
    expect(rate('FCP', 1801)).toBe('needs-improvement');
    expect(rate('TTFB', 1801)).toBe('poor');
  });
});

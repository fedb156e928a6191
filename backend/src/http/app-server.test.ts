import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { captureRouteTemplates, endpointOf } from '../observability/metrics/http-metrics';
import { createAppServer } from './app-server';

describe('createAppServer', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("makes requests and responses with the app's prototypes, which Express then keeps, and serves the app as usual", async () => {
    const app = express();
    captureRouteTemplates(app);
    const bornWith: { request: boolean; response: boolean }[] = [];
    app.get('/api/items/:id', (req, res) => {
      res.json({ id: req.params.id, host: req.get('host'), route: endpointOf(req), secure: req.secure });
    });
    const server = createAppServer(app);
    // Runs before Express: what the HTTP server made, before the app touched it.
    server.prependListener('request', (req, res) => {
      bornWith.push({ request: Object.getPrototypeOf(req) === app.request, response: Object.getPrototypeOf(res) === app.response });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const { port } = server.address() as AddressInfo;

    const res = await fetch(`http://127.0.0.1:${port}/api/items/42`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '42', host: `127.0.0.1:${port}`, route: '/api/items/:id', secure: false });
    const missing = await fetch(`http://127.0.0.1:${port}/nowhere`);
    expect(missing.status).toBe(404);
    expect(bornWith).toEqual([
      { request: true, response: true },
      { request: true, response: true },
    ]);
  });
});

/**
 * @medianest/contracts: the one contract between the MediaNest server and its
 * web app. Response bodies and the route map (api.ts), request bodies as zod
 * schemas (bodies.ts; the browser metrics bodies in browser-metrics-bodies.ts
 * and their limits in browser-metrics.ts), Socket.IO events (socket.ts), and the shared words
 * (domain.ts), and the sign-in return path check (return-path.ts, zod-free: the web app uses it too). The web app imports types only (its bundle never carries zod);
 * the server also imports the schemas, at run time, from the compiled dist/.
 */
export * from './domain';
export * from './bodies';
export * from './api';
export * from './socket';
export * from './playback';
export * from './browser-metrics';
export * from './browser-metrics-bodies';
export * from './return-path';
export * from './watchlist';

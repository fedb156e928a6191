/**
 * Vite build of the MediaNest web app. `npm run build` writes frontend/dist, which the
 * backend serves with an SPA fallback; `npm run dev` proxies the API, health checks and
 * Socket.IO to a backend on 127.0.0.1:4000.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const backend = 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  // The shared contract as TypeScript source (no build step); only what the app uses is bundled.
  resolve: { alias: { '@medianest/contracts': fileURLToPath(new URL('../packages/contracts/src/index.ts', import.meta.url)) } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One small stylesheet; inlining assets as data: URIs is allowed by the CSP (img-src data:).
    assetsInlineLimit: 2048,
    rolldownOptions: {
      output: {
        // Named chunks: the framework (cached across releases), and the realtime client, which is
        // loaded only once someone has signed in.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler|cookie|set-cookie-parser)[\\/]/,
            },
            {
              name: 'realtime',
              test: /node_modules[\\/](socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io|xmlhttprequest-ssl|debug|ms)[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/health': { target: backend, changeOrigin: false },
      '/socket.io': { target: backend, ws: true, changeOrigin: false },
    },
  },
});

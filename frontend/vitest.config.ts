/**
 * Unit tests of the web app (the browser flows are tested in backend/e2e):
 * - `unit`: plain TypeScript modules (`*.test.ts`) in Node;
 * - `components`: components and hooks (`*.test.tsx`) rendered with Testing Library in jsdom.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@medianest/contracts': fileURLToPath(new URL('../packages/contracts/src/index.ts', import.meta.url)) } },
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'], environment: 'node', setupFiles: ['src/test/unit-setup.ts'] } },
      {
        extends: true,
        test: {
          name: 'components',
          include: ['src/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['src/test/setup.ts'],
          // Stylesheets imported by components play no part in what these tests assert.
          css: false,
        },
      },
    ],
  },
});

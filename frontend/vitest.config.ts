/** Unit tests of the web app's plain TypeScript modules (the browser flows are tested in backend/src/e2e). */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@medianest/contracts': fileURLToPath(new URL('../packages/contracts/src/index.ts', import.meta.url)) } },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});

/** Unit tests of the web app's plain TypeScript modules (the browser flows are tested in backend/src/e2e). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests run the compiled bin: build once before any test file runs.
    globalSetup: ['test/helpers/build.ts'],
    testTimeout: 30_000,
  },
});

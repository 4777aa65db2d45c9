import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests run the compiled bin: build once before any test file runs.
    // The viewer test opens the report in Debian's chromium: installed if missing.
    globalSetup: ['test/helpers/build.ts', 'test/helpers/chromium.ts'],
    testTimeout: 30_000,
  },
});

import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests in jsdom, and real-browser tests (*.browser.test.ts) that drive
// Debian Chromium through playwright-core. Browser tests share two cores, so they run one file
// per worker with generous timeouts; nothing in them is a timing assertion. Groups run in order:
// unit, then node, then browser (projects with different worker counts need their own group).
// The collector package's tests (collector/test) run in the node and browser projects too, so
// one `npm test` at the root covers both packages.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'jsdom',
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.browser.test.ts', 'test/**/*.node.test.ts'],
        },
      },
      {
        test: {
          name: 'node',
          environment: 'node',
          sequence: { groupOrder: 1 },
          include: ['test/**/*.node.test.ts', 'collector/test/**/*.node.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          sequence: { groupOrder: 2 },
          include: ['test/**/*.browser.test.ts', 'collector/test/**/*.browser.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});

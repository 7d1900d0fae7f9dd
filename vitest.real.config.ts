import { defineConfig } from 'vitest/config';

// npm run test:real: Parvis against real servers started by the tests (Bluesky's dev-env network,
// WordPress, Dovecot + Postfix). Installed by scripts/install-real-servers.sh; see e2e/real/README.md.
export default defineConfig({
  test: {
    include: ['e2e/real/**/*.test.ts'],
    exclude: ['e2e/real/node_modules/**'],
    environment: 'node',
    pool: 'forks',
    // One network at a time: each boots PostgreSQL, Redis and five services on two shared cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});

// Entry of `npm run test:e2e`: checks that a Chromium exists, builds the app, then runs the e2e suite with Vitest.
// An empty suite passes; a missing browser fails with a one-line reason instead of a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`e2e: no Chromium at ${chromium}; install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  process.exit(1);
}
// The suite tests the production build (dev mode hides onnxruntime's pthread trap); E2E_NO_BUILD=1 reuses it.
// E2E_DIST_DIR builds into (and serves) another folder than dist/.
if (process.env.E2E_NO_BUILD !== '1') {
  const outDir = process.env.E2E_DIST_DIR ?? 'dist';
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const result = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_PATH: chromium },
});
process.exit(result.status ?? 1);

// `npm start` on a user's machine: npm install skips Electron's binary download (package.json
// "allowScripts" denies it, so that installing works where only the npm registry is reachable).
// Fetch it on first start, then rebuild the native modules for Electron's ABI.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const electronDir = 'node_modules/electron';
if (!existsSync(`${electronDir}/path.txt`)) {
  console.log('Parvis: downloading the Electron runtime (first start only)…');
  execFileSync(process.execPath, [`${electronDir}/install.js`], { stdio: 'inherit' });
}
execFileSync(process.execPath, ['node_modules/electron-builder/cli.js', 'install-app-deps'], { stdio: 'inherit' });

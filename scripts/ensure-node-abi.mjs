// Tests and web mode run in Node. If `npm start` rebuilt the native modules for Electron's ABI,
// rebuild them for this Node before running anything.
import { createRequire } from 'node:module';
import { execSync } from 'node:child_process';

const require = createRequire(import.meta.url);
function loads() {
  try {
    const Database = require('better-sqlite3');
    new Database(':memory:').close();
    require('keytar');
    return true;
  } catch (err) {
    if (/NODE_MODULE_VERSION|was compiled against a different Node.js version/.test(String(err?.message))) return false;
    throw err;
  }
}
if (!loads()) {
  console.log('Parvis: rebuilding native modules for Node…');
  execSync('npm rebuild better-sqlite3 keytar', { stdio: 'inherit' });
}

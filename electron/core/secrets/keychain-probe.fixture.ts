// Run by keytar-store.test.ts in a child process with no D-Bus: prints what setting a secret gives.
import { KeytarSecretStore } from './keytar-store';

const store = new KeytarSecretStore('Parvis probe');
try {
  await store.set('probe', 'value');
  console.log(JSON.stringify({ kind: 'stored', message: '' }));
} catch (err) {
  console.log(JSON.stringify({ kind: (err as Error).name, message: (err as Error).message }));
}

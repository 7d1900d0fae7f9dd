// Run by read-only-profile.test.ts in a child process (as an unprivileged user when the tests run
// as root, so that file permissions apply): opens a core on the profile given in argv[2], tries a
// read and a write through the contract, and prints what happened as JSON.
import { createCore } from '../app';
import { dispatch, toAppError } from '../rpc';
import { MemorySecretStore } from '../secrets/secret-store';
import { createSettingsStore, memoryBackend } from '../settings/settings-store';

const dataDir = process.argv[2]!;
try {
  const core = createCore({ dataDir, secrets: new MemorySecretStore(), settings: createSettingsStore(memoryBackend()), shell: 'web', myName: 'Alex' });
  const read = await dispatch(core.handlers, 'inbox.list', { filter: {}, limit: 10 });
  const write = await dispatch(core.handlers, 'tags.create', { name: 'lecture seule', color: '#123456' });
  await core.close();
  console.log(JSON.stringify({ opened: true, read, write }));
} catch (err) {
  console.log(JSON.stringify({ opened: false, error: toAppError(err), name: (err as Error).name }));
}

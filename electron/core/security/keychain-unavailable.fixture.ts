// Run by keychain-unavailable.test.ts in a child process with no D-Bus session: the real keytar
// cannot reach any Secret Service. Connects the Bluesky account of the local server given in
// argv[3] (handle argv[4], app password argv[5]) on the profile argv[2] through the contract, and
// prints the answer and the accounts left as JSON.
import { createCore } from '../app';
import { dispatch } from '../rpc';
import { KeytarSecretStore } from '../secrets/keytar-store';
import { createConfSettingsStore } from '../settings/conf-store';

const [dataDir, service, handle, appPassword] = process.argv.slice(2) as [string, string, string, string];
const core = createCore({
  dataDir,
  secrets: new KeytarSecretStore(`Parvis probe ${process.pid}`),
  settings: createConfSettingsStore(dataDir),
  shell: 'web',
  myName: 'Alex',
  networks: { endpoints: { bluesky: { service } } },
});
const answer = await dispatch(core.handlers, 'accounts.connect', { network: 'bluesky', fields: { server: service, handle, password: appPassword } });
const accounts = await dispatch(core.handlers, 'accounts.list', {});
await core.close();
console.log(JSON.stringify({ answer, accounts }));

import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../secrets/secret-store';
import { createDeveloperApps, developerAppSecretKey } from './developer-apps';
import { facebook } from './facebook/descriptor';
import { instagram } from './instagram/descriptor';
import { x } from './x/descriptor';

const META_APP = { clientId: '1234567890', clientSecret: 'meta-secret' };

describe('developer apps', () => {
  it('asks for the Meta app once: entered for Facebook, Instagram uses it, and the other way round', async () => {
    for (const enteredFor of ['facebook', 'instagram'] as const) {
      const secrets = new MemorySecretStore();
      const apps = createDeveloperApps({ descriptors: [facebook, instagram, x], secrets });
      expect(await apps.info('instagram')).toMatchObject({ source: null, clientId: null, sharedWith: 'facebook' });
      await apps.set(enteredFor, META_APP);
      expect(await apps.get('facebook')).toEqual(META_APP);
      expect(await apps.get('instagram')).toEqual(META_APP);
      expect(await apps.info('instagram')).toMatchObject({ source: 'user', clientId: META_APP.clientId });
      // One keychain entry, under Facebook's name.
      expect(await secrets.get(developerAppSecretKey('instagram'))).toBeNull();
      // X's app is its own: nothing shared there.
      expect(await apps.get('x')).toBeNull();
      await apps.clear('instagram');
      expect(await apps.get('facebook')).toBeNull();
    }
  });

  it('keeps an app entered for Instagram before it was shared', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set(developerAppSecretKey('instagram'), JSON.stringify(META_APP));
    const apps = createDeveloperApps({ descriptors: [facebook, instagram], secrets });
    expect(await apps.get('instagram')).toEqual(META_APP);
    expect(await apps.get('facebook')).toBeNull();
  });
});

/**
 * Every network's descriptor is complete and consistent: its form has a schema, its look is
 * readable, and the catalogues say its name, its sign-in and each field's label in both languages.
 */
import { describe, expect, it } from 'vitest';
import { NetworkInfo, signInFieldsSchema } from '../../../shared/networks';
import { en } from '../../../renderer/src/i18n/en';
import { fr } from '../../../renderer/src/i18n/fr';
import { NETWORK_DESCRIPTORS } from './index';
import { publicInfo } from './descriptor';

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** A catalogue entry by dotted path, or undefined. */
function entry(catalogue: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), catalogue);
}

describe.each(NETWORK_DESCRIPTORS.map((d) => [d.id, d] as const))('the %s descriptor', (id, descriptor) => {
  it('has a public part that passes the contract, with no function and no secret', () => {
    const info = publicInfo(descriptor, null);
    expect(NetworkInfo.parse(info)).toEqual(info);
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    expect(id).toMatch(/^[a-z][a-z0-9-]*$/);
  });

  it('checks its sign-in form: every required field must be there', () => {
    const schema = signInFieldsSchema(descriptor.signIn.fields);
    const required = descriptor.signIn.fields.filter((f) => f.required);
    if (required.length > 0) expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ unexpected: 'x' }).success).toBe(false);
  });

  it('keeps its glyph readable: white on its color at 4.5:1 or more', () => {
    expect(1.05 / (luminance(descriptor.icon.color) + 0.05)).toBeGreaterThanOrEqual(4.5);
  });

  it('is named, and its sign-in explained, in both catalogues', () => {
    for (const catalogue of [en, fr]) {
      expect(entry(catalogue, `networks.${id}`), `networks.${id}`).toEqual(expect.any(String));
      expect(entry(catalogue, `connect.how.${descriptor.signIn.method}`)).toEqual(expect.any(String));
      for (const field of descriptor.signIn.fields) {
        const label = entry(catalogue, `connect.network.${id}.fields.${field.name}`) ?? entry(catalogue, `connect.fields.${field.name}`);
        expect(label, `label of ${id}.${field.name}`).toEqual(expect.any(String));
      }
      for (const action of Object.keys(descriptor.capabilities.unsupportedReasons ?? {})) {
        expect(entry(catalogue, `moderationReasons.${id}.${action}`), `why ${id} cannot ${action}`).toEqual(expect.any(String));
      }
    }
  });

  it('names each of its other ways to sign in, and labels their fields and choices, in both catalogues', () => {
    const alternatives = Object.entries(descriptor.signIn.alternatives ?? {});
    for (const [method, spec] of alternatives) {
      expect(method).toMatch(/^[a-z][a-z0-9-]{0,31}$/);
      const schema = signInFieldsSchema(spec.fields);
      if (spec.fields.some((f) => f.required)) expect(schema.safeParse({}).success).toBe(false);
      for (const catalogue of [en, fr]) {
        for (const name of ['default', method]) expect(entry(catalogue, `connect.network.${id}.methods.${name}`), `${id} way ${name}`).toEqual(expect.any(String));
        expect(entry(catalogue, `connect.how.${spec.method}`)).toEqual(expect.any(String));
        for (const field of spec.fields) {
          const label = entry(catalogue, `connect.network.${id}.fields.${field.name}`) ?? entry(catalogue, `connect.fields.${field.name}`);
          expect(label, `label of ${id}.${method}.${field.name}`).toEqual(expect.any(String));
          if (field.kind !== 'select') continue;
          for (const option of field.options) {
            const choice = entry(catalogue, `connect.network.${id}.options.${field.name}.${option}`) ?? entry(catalogue, `connect.options.${field.name}.${option}`);
            expect(choice, `choice ${id}.${field.name}.${option}`).toEqual(expect.any(String));
          }
        }
      }
    }
  });

  it('explains its developer app in both catalogues when it needs one', () => {
    if (!descriptor.developerApp) return;
    for (const catalogue of [en, fr]) expect(entry(catalogue, `connect.devApp.guide.${id}.step1`)).toEqual(expect.any(String));
  });
});

describe('ban durations', () => {
  it('only the networks whose bans take a length say so, with their limits, and they can ban', () => {
    const withLength = Object.fromEntries(
      NETWORK_DESCRIPTORS.map((d) => [d.id, publicInfo(d, null).capabilities.banDuration ?? null] as const).filter(([, length]) => length !== null),
    );
    expect(withLength).toEqual({
      reddit: { maxDays: 999, permanent: true, defaultDays: null },
      telegram: { maxDays: 366, permanent: true, defaultDays: null },
      discourse: { maxDays: 999, permanent: false, defaultDays: 30 },
    });
    for (const id of Object.keys(withLength)) expect(NETWORK_DESCRIPTORS.find((d) => d.id === id)!.capabilities.moderation).toContain('ban-author');
  });
});

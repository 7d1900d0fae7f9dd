/**
 * WordPress comments: the site's address, a user who may moderate comments, and an Application
 * Password made for Parvis (Users › Profile › Application Passwords, WordPress 5.6 and later).
 * Several sites can be connected, one account each.
 */
import { signInField } from '../../../../shared/networks';
import type { NetworkDescriptor } from '../descriptor';
import { WORDPRESS_CAPABILITIES, createWordPressConnector, signInToWordPress } from './index';

export const wordpress: NetworkDescriptor = {
  id: 'wordpress',
  displayName: 'WordPress',
  icon: { glyph: 'W', color: '#21759b' },
  signIn: {
    method: 'server-login',
    fields: [
      signInField({ name: 'site', kind: 'url', maxLength: 300, example: 'https://blog.example.com', autocomplete: 'url' }),
      signInField({ name: 'user', kind: 'text', maxLength: 60, example: 'editor', autocomplete: 'username' }),
      signInField({
        name: 'password',
        kind: 'password',
        minLength: 16,
        maxLength: 100,
        example: 'abcd efgh ijkl mnop qrst uvwx',
        autocomplete: 'off',
        helpUrl: 'https://make.wordpress.org/core/2020/11/05/application-passwords-integration-guide/',
      }),
    ],
    yields: 'one',
    async start(fields) {
      return { kind: 'done', results: [await signInToWordPress(String(fields.site), String(fields.user), String(fields.password))] };
    },
  },
  capabilities: WORDPRESS_CAPABILITIES,
  text: { maxReplyLength: WORDPRESS_CAPABILITIES.maxReplyLength, counting: 'code-points', linkLength: null },
  // Articles: a title and the text as paragraphs, published now or held by the site for its time.
  publish: ['article'],
  titleRequired: true,
  // A comment has no idempotency key: after a crash the outbox looks for the reply first (findReply).
  idempotentWrites: false,
  createConnector: () => createWordPressConnector(),
};

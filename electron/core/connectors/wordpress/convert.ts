/**
 * WordPress comments (REST API, `context=edit`, post embedded) into normalized items. A top-level
 * comment and the replies under it are one conversation (as on YouTube), with the post (title,
 * link) as its context: answering a conversation answers that thread, never the post's latest
 * commenter. A reply keeps its parent comment; its thread's root is set by the poll, which sees
 * the whole chain. Comment HTML is untrusted: the text is extracted here, the HTML kept for the
 * renderer's sanitizer. Visitors' e-mail addresses never leave this file: they only tell two
 * visitors of the same name apart, through a digest.
 */
import { createHash } from 'node:crypto';
import { htmlToText } from '../comment-html';
import type { ModerationState } from '../../../../shared/model';
import type { NormalizedItem } from '../types';
import { WireComment, WireEmbeddedPost, describeIssues } from './wire';


/** The state a comment's status stands for in Parvis. Unknown statuses (plugins') are skipped. */
export function moderationOf(status: string): ModerationState | null {
  switch (status) {
    case 'approved':
      return 'visible';
    case 'hold':
    case 'unapproved':
      return 'held';
    case 'spam':
      return 'spam';
    case 'trash':
    case 'post-trashed':
      return 'removed';
    default:
      return null;
  }
}

/** Epoch ms of WordPress's `date_gmt` (UTC without an offset). */
export function gmtTime(dateGmt: string): number {
  return Date.parse(`${dateGmt}Z`);
}

/** A short digest of what can change in a comment without a trace: its text. */
export function contentDigest(comment: WireComment): string {
  return createHash('sha256')
    .update(comment.content.raw ?? comment.content.rendered)
    .digest('base64url')
    .slice(0, 12);
}

const httpUrl = (value: string | undefined): string | null => (value && /^https?:\/\//i.test(value) ? value : null);

function authorOf(comment: WireComment): NormalizedItem['author'] {
  const name = comment.author_name.trim() || 'Anonymous';
  const remoteId =
    comment.author > 0
      ? `user-${comment.author}`
      : `visitor-${createHash('sha256')
          .update(`${(comment.author_email ?? '').trim().toLowerCase()}\n${name}`)
          .digest('hex')
          .slice(0, 16)}`;
  const avatars = comment.author_avatar_urls ?? {};
  return {
    remoteId,
    handle: name,
    name,
    avatarUrl: httpUrl(avatars['96'] ?? avatars['48'] ?? avatars['24']),
    profileUrl: httpUrl(comment.author_url),
  };
}

function postOf(comment: WireComment): WireEmbeddedPost | null {
  for (const raw of comment._embedded?.up ?? []) {
    const parsed = WireEmbeddedPost.safeParse(raw);
    if (parsed.success && parsed.data.id === comment.post) return parsed.data;
  }
  return null;
}

export type Converted = { ok: true; comment: WireComment; item: NormalizedItem } | { ok: false; remoteId: string | null; reason: string };

/**
 * One raw comment into an item. `me` is the connected user's id: their own comments are 'out'.
 * A comment that does not parse, or whose status Parvis does not know, is reported, not thrown.
 */
export function convertComment(raw: unknown, me: number): Converted {
  const parsed = WireComment.safeParse(raw);
  const rawId = (raw as { id?: unknown } | null)?.id;
  const remoteId = typeof rawId === 'number' || typeof rawId === 'string' ? String(rawId) : null;
  if (!parsed.success) return { ok: false, remoteId, reason: `unexpected comment: ${describeIssues(parsed.error)}` };
  const comment = parsed.data;
  const moderation = moderationOf(comment.status);
  if (!moderation) return { ok: false, remoteId, reason: `unknown comment status "${comment.status}"` };
  const createdAt = gmtTime(comment.date_gmt);
  if (!Number.isFinite(createdAt)) return { ok: false, remoteId, reason: `unreadable date "${comment.date_gmt}"` };
  const post = postOf(comment);
  const postTitle = post?.title?.rendered ? htmlToText(post.title.rendered) : '';
  return {
    ok: true,
    comment,
    item: {
      remoteId: String(comment.id),
      // The parent until the poll finds the top-level comment of the chain.
      threadRemoteId: String(comment.parent > 0 ? comment.parent : comment.id),
      parentRemoteId: comment.parent > 0 ? String(comment.parent) : null,
      kind: 'comment',
      direction: me > 0 && comment.author === me ? 'out' : 'in',
      author: authorOf(comment),
      text: htmlToText(comment.content.rendered),
      html: comment.content.rendered,
      createdAt,
      permalink: httpUrl(comment.link),
      moderation,
      context: comment.post > 0 ? { remoteId: String(comment.post), text: postTitle || `#${comment.post}`, url: httpUrl(post?.link) } : null,
      extra: { post: comment.post, type: comment.type },
    },
  };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Web addresses in a text, up to what usually ends a sentence after them. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'’]/g;

/**
 * An article's body from the composer's plain text: nothing in it is markup. Paragraphs at blank
 * lines, line breaks within one, every character escaped, web addresses made links (as the
 * classic editor's `make_clickable` would on display, but in the post itself).
 */
export function articleHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => {
      const lines = p.split('\n').map((line) => {
        let out = '';
        let last = 0;
        for (const m of line.matchAll(URL_IN_TEXT)) {
          out += escapeHtml(line.slice(last, m.index));
          out += `<a href="${escapeHtml(m[0])}">${escapeHtml(m[0])}</a>`;
          last = m.index + m[0].length;
        }
        return out + escapeHtml(line.slice(last));
      });
      return `<p>${lines.join('<br />\n')}</p>`;
    })
    .join('\n\n');
}

/** An article's title from the composer: plain text, escaped (WordPress shows titles as HTML). */
export function articleTitle(title: string): string {
  return title.replace(/\s+/g, ' ').trim().replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The slug a target's post gets on the site, from its idempotency key (a ULID, with `.<n>` when
 * renewed): WordPress has no idempotency key, so a resend looks this slug up first. WordPress
 * makes a taken slug unique with `-2`, `-3`…: the renewal is written `-g<n>` so the two never meet.
 */
export function articleSlug(idempotencyKey: string): string {
  const [base, generation] = idempotencyKey.split('.');
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `parvis-${clean(base ?? '')}${generation ? `-g${clean(generation)}` : ''}`;
}

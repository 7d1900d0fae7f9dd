/**
 * A local, stateful stand-in for a WordPress site's REST API (wp/v2 comments and users), for
 * integration tests and Playwright specs. It was written after running Parvis against a real
 * WordPress (e2e/real/wordpress.test.ts, Debian's 6.1) and follows what that showed:
 *
 * - Discovery: the home page sends `Link: <…>; rel="https://api.w.org/"`, to `/index.php?rest_route=/`
 *   (plain permalinks, the default) or `/wp-json/` (`permalinks: 'pretty'`); both route forms answer.
 * - Basic auth with an Application Password (spaces ignored); a wrong one answers 401
 *   `rest_not_logged_in` on /users/me and `rest_forbidden_context` on a `context=edit` list.
 * - GET /wp/v2/comments: `status` approve (default) | hold | spam | trash | all (= approved + held),
 *   anything but `approve` for moderators only; `orderby=date_gmt` with the comment id as the
 *   tie-breaker in the same direction (WP_Comment_Query), `order` desc by default; `per_page`
 *   1..100 (else 400 `rest_invalid_param`), `page` (past the last page: an empty list, as
 *   the real one answers); `X-WP-Total` and `X-WP-TotalPages`; `_embed=up` embeds the
 *   post (id, link, title, type); `context=edit` adds `content.raw`, e-mail and IP.
 * - POST /wp/v2/comments: a moderator's comment is approved at once; a closed post answers 403
 *   `rest_comment_closed`; the same text again by the same author on the same post answers 409
 *   `comment_duplicate` (WordPress's duplicate check); an unknown post 403 `rest_comment_invalid_post_id`.
 * - POST /wp/v2/comments/:id `{ status }` (approved/approve, hold, spam); DELETE moves to the trash
 *   (again: 410 `rest_already_trashed`), `force=true` deletes for good; unknown ids 404
 *   `rest_comment_invalid_id`.
 *
 * Controls (tests only): posts, visitors' comments with any status and date, other moderators'
 * approvals, edits and deletions, closing a post, revoking the password, faults (429 with
 * Retry-After as a host's firewall answers, 5xx, hang, malformed), and the requests received.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultQueue, answerWithFault, readBody, sendJson, startLocalServer, type Fault } from './server-kit';

export type CommentStatus = 'approved' | 'hold' | 'spam' | 'trash';

export interface FakeComment {
  id: number;
  post: number;
  parent: number;
  /** User id of a logged-in author, 0 for a visitor. */
  author: number;
  authorName: string;
  authorEmail: string;
  authorUrl: string;
  /** Epoch seconds (WordPress keeps seconds). */
  date: number;
  content: string;
  status: CommentStatus;
}

export type PostStatus = 'publish' | 'future' | 'draft' | 'pending' | 'private' | 'trash';

export interface FakePost {
  id: number;
  title: string;
  open: boolean;
  /** What the REST API created it with (raw, as sent), '' for posts made with `addPost`. */
  content: string;
  slug: string;
  status: PostStatus;
  /** Epoch seconds (GMT). */
  date: number;
}

export interface WordPressServerOptions {
  user?: string;
  appPassword?: string;
  permalinks?: 'plain' | 'pretty';
  /** Epoch ms; comments get this time (seconds) unless told otherwise. */
  now?: () => number;
}

export interface WordPressControl {
  readonly user: string;
  readonly appPassword: string;
  addPost(title: string, options?: { open?: boolean }): FakePost;
  post(id: number): FakePost | undefined;
  posts(): FakePost[];
  /** What WP-Cron does on the site: scheduled (future) posts whose time has come are published. */
  publishDue(): FakePost[];
  /** Someone on the site moves a post to the trash (its slug becomes `<slug>__trashed`). */
  trashPost(id: number): void;
  /**
   * The next `count` requests are carried out but their answer is lost: the client gets `status`
   * (a proxy's 502) or, with 0, the connection closed without an answer. With `method`, only
   * requests of that method count (the others are answered as usual).
   */
  loseAnswers(count?: number, status?: number, method?: 'GET' | 'POST' | 'DELETE'): void;
  /** A visitor's comment (status as the site's settings or spam filter gave it). */
  addComment(input: { post: number; author: string; email?: string; text: string; status?: CommentStatus; parent?: number; date?: number }): FakeComment;
  comment(id: number): FakeComment | undefined;
  comments(): FakeComment[];
  /** Another moderator's work in the dashboard. */
  setStatus(id: number, status: CommentStatus): void;
  edit(id: number, text: string): void;
  deleteForGood(id: number): void;
  closeComments(post: number): void;
  revokePassword(): void;
  setPassword(password: string): void;
  fail(fault: Fault, count?: number): void;
  requests(): { method: string; route: string; query: Record<string, string> }[];
}

export interface WordPressServer {
  url: string;
  control: WordPressControl;
  close(): Promise<void>;
}

const ADMIN_ID = 1;

export async function startWordPressServer(options: WordPressServerOptions = {}): Promise<WordPressServer> {
  const user = options.user ?? 'admin';
  let appPassword: string | null = options.appPassword ?? 'abcd EFGH 1234 ijkl MNOP 5678';
  const now = options.now ?? Date.now;
  const posts = new Map<number, FakePost>();
  const comments = new Map<number, FakeComment>();
  let nextPost = 2;
  let nextComment = 1;
  const faults = new FaultQueue();
  const lostAnswers: { status: number; method: string | null }[] = [];
  const log: { method: string; route: string; query: Record<string, string> }[] = [];
  let url = '';

  const seconds = () => Math.floor(now() / 1000);
  posts.set(1, { id: 1, title: 'Hello world!', open: true, content: '', slug: 'hello-world', status: 'publish', date: seconds() });

  const gmt = (s: number) => new Date(s * 1000).toISOString().slice(0, 19);
  const apiRoot = () => (options.permalinks === 'pretty' ? `${url}/wp-json/` : `${url}/index.php?rest_route=/`);
  const route = (r: string) => (options.permalinks === 'pretty' ? `${url}/wp-json/${r}` : `${url}/index.php?rest_route=/${r}`);
  const postLink = (id: number) => `${url}/?p=${id}`;
  const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  function wire(c: FakeComment, edit: boolean, embed: boolean): Record<string, unknown> {
    const post = posts.get(c.post);
    return {
      id: c.id,
      post: c.post,
      parent: c.parent,
      author: c.author,
      author_name: c.authorName,
      ...(edit ? { author_email: c.authorEmail, author_ip: '127.0.0.1', author_user_agent: '' } : {}),
      author_url: c.authorUrl,
      date: gmt(c.date),
      date_gmt: gmt(c.date),
      // wpautop and wptexturize are not modelled: one paragraph of escaped text.
      content: { rendered: `<p>${escapeHtml(c.content)}</p>\n`, ...(edit ? { raw: c.content } : {}) },
      link: `${postLink(c.post)}#comment-${c.id}`,
      status: c.status,
      type: 'comment',
      author_avatar_urls: { 24: 'http://0.gravatar.com/avatar/x?s=24', 48: 'http://0.gravatar.com/avatar/x?s=48', 96: 'http://0.gravatar.com/avatar/x?s=96' },
      meta: [],
      _links: { up: [{ embeddable: true, post_type: 'post', href: route(`wp/v2/posts/${c.post}`) }] },
      ...(embed && post ? { _embedded: { up: [{ id: post.id, type: 'post', link: postLink(post.id), title: { rendered: escapeHtml(post.title) } }] } } : {}),
    };
  }

  const error = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    sendJson(res, status, { code, message, data: { status } }, { Link: `<${apiRoot()}>; rel="https://api.w.org/"`, ...headers });
  const ok = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) =>
    sendJson(res, 200, body, { Link: `<${apiRoot()}>; rel="https://api.w.org/"`, ...headers });

  function authenticated(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (!match?.[1] || appPassword === null) return false;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    return decoded.slice(0, at) === user && decoded.slice(at + 1).replace(/\s+/g, '') === appPassword.replace(/\s+/g, '');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    let path: string | null = null;
    if (u.searchParams.has('rest_route')) path = u.searchParams.get('rest_route');
    else if (u.pathname.startsWith('/wp-json')) path = u.pathname.slice('/wp-json'.length) || '/';
    const query = Object.fromEntries([...u.searchParams].filter(([k]) => k !== 'rest_route'));
    const method = (req.method ?? 'GET').toUpperCase();
    if (path === null) {
      if (u.pathname === '/' || u.pathname === '/index.php') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', Link: `<${apiRoot()}>; rel="https://api.w.org/"` });
        res.end('<!doctype html><title>Blog</title>');
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('Not found');
      return;
    }
    path = path.replace(/\/+$/, '') || '/';
    log.push({ method, route: path, query });
    const lost = lostAnswers[0] && (lostAnswers[0].method === null || lostAnswers[0].method === method) ? lostAnswers.shift()!.status : undefined;
    if (lost !== undefined) {
      // Carried out against a sink, then answered as a failing proxy would (or not at all).
      const sink = { headersSent: false, writeHead: () => sink, setHeader: () => sink, write: () => true, end: () => sink } as unknown as ServerResponse;
      await handleRoute(req, sink, path, query, method);
      if (lost === 0) res.socket?.destroy();
      else error(res, lost, `http_${lost}`, 'Bad gateway');
      return;
    }
    const fault = faults.take();
    if (fault) {
      answerWithFault(res, fault, {
        rateLimitHeaders: (resetAt) => ({ 'Retry-After': String(Math.max(0, Math.ceil((resetAt.getTime() - now()) / 1000))) }),
        errorBody: (status, message) => ({ code: `http_${status}`, message, data: { status } }),
      });
      return;
    }
    await handleRoute(req, res, path, query, method);
  }

  async function handleRoute(req: IncomingMessage, res: ServerResponse, path: string, query: Record<string, string>, method: string): Promise<void> {
    if (path === '/') {
      ok(res, { name: 'Blog', url, home: url, namespaces: ['oembed/1.0', 'wp/v2', 'wp-site-health/v1'], authentication: { 'application-passwords': { endpoints: {} } } });
      return;
    }
    const authed = authenticated(req);
    if (req.headers.authorization && !authed) {
      // A wrong application password: WordPress answers as for nobody logged in.
      if (path === '/wp/v2/users/me') return error(res, 401, 'rest_not_logged_in', 'You are not currently logged in.');
    }
    if (path === '/wp/v2/users/me' && method === 'GET') {
      if (!authed) return error(res, 401, 'rest_not_logged_in', 'You are not currently logged in.');
      ok(res, {
        id: ADMIN_ID,
        username: user,
        name: user,
        slug: user,
        link: `${url}/?author=1`,
        roles: ['administrator'],
        capabilities: { moderate_comments: true, edit_posts: true, manage_options: true },
        avatar_urls: { 96: 'http://0.gravatar.com/avatar/admin?s=96' },
      });
      return;
    }
    if (path === '/wp/v2/comments' && method === 'GET') return listComments(res, query, authed);
    if (path === '/wp/v2/posts' && method === 'GET') return listPosts(res, query, authed);
    if (path === '/wp/v2/posts' && method === 'POST') {
      if (!authed) return error(res, 401, 'rest_cannot_create', 'Sorry, you are not allowed to create posts as this user.');
      return writePost(res, null, (await readBody(req)).json);
    }
    const onePost = /^\/wp\/v2\/posts\/(\d+)$/.exec(path);
    if (onePost?.[1]) {
      const p = posts.get(Number(onePost[1]));
      if (!authed && method !== 'GET') return error(res, 401, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this post.');
      if (!p || (!authed && p.status !== 'publish')) return error(res, 404, 'rest_post_invalid_id', 'Invalid post ID.');
      if (method === 'GET') {
        if (query.context === 'edit' && !authed) return error(res, 401, 'rest_forbidden_context', 'Sorry, you are not allowed to edit this post.');
        return ok(res, wirePost(p, query.context === 'edit'));
      }
      if (method === 'POST') return writePost(res, p, (await readBody(req)).json);
      if (method === 'DELETE') {
        if (query.force === 'true' || query.force === '1') {
          posts.delete(p.id);
          return ok(res, { deleted: true, previous: wirePost(p, true) });
        }
        if (p.status === 'trash') return error(res, 410, 'rest_already_trashed', 'The post has already been deleted.');
        trash(p);
        return ok(res, wirePost(p, true));
      }
    }
    if (path === '/wp/v2/comments' && method === 'POST') {
      if (!authed) return error(res, 401, 'rest_comment_login_required', 'Sorry, you must be logged in to comment.');
      const body = (await readBody(req)).json as { post?: number; parent?: number; content?: string } | undefined;
      const post = posts.get(Number(body?.post));
      if (!post) return error(res, 403, 'rest_comment_invalid_post_id', 'Sorry, you are not allowed to create this comment without a post.');
      if (!post.open) return error(res, 403, 'rest_comment_closed', 'Sorry, comments are closed for this item.');
      const parent = Number(body?.parent ?? 0);
      if (parent && comments.get(parent)?.post !== post.id) return error(res, 400, 'rest_comment_invalid_parent', 'Invalid comment parent.');
      const content = String(body?.content ?? '').trim();
      if (!content) return error(res, 400, 'rest_comment_content_invalid', 'Invalid comment content.');
      if ([...comments.values()].some((c) => c.post === post.id && c.author === ADMIN_ID && c.content === content && c.status !== 'trash')) {
        return error(res, 409, 'comment_duplicate', 'Duplicate comment detected; it looks as though you’ve already said that!');
      }
      const created: FakeComment = { id: nextComment++, post: post.id, parent, author: ADMIN_ID, authorName: user, authorEmail: 'admin@example.test', authorUrl: '', date: seconds(), content, status: 'approved' };
      comments.set(created.id, created);
      return sendJson(res, 201, wire(created, true, false));
    }
    const one = /^\/wp\/v2\/comments\/(\d+)$/.exec(path);
    if (one?.[1]) {
      if (!authed) return error(res, 401, 'rest_cannot_edit', 'Sorry, you are not allowed to edit this comment.');
      const c = comments.get(Number(one[1]));
      if (!c) return error(res, 404, 'rest_comment_invalid_id', 'Invalid comment ID.');
      if (method === 'GET') return ok(res, wire(c, true, false));
      if (method === 'POST') {
        const body = (await readBody(req)).json as { status?: string; content?: string } | undefined;
        const status = { approved: 'approved', approve: 'approved', '1': 'approved', hold: 'hold', '0': 'hold', spam: 'spam', trash: 'trash' }[String(body?.status ?? c.status)] as CommentStatus | undefined;
        if (!status) return error(res, 400, 'rest_comment_failed_edit', 'Updating comment status failed.');
        c.status = status;
        if (typeof body?.content === 'string') c.content = body.content;
        return ok(res, wire(c, true, false));
      }
      if (method === 'DELETE') {
        if (query.force === 'true' || query.force === '1') {
          comments.delete(c.id);
          return ok(res, { deleted: true, previous: wire(c, true, false) });
        }
        if (c.status === 'trash') return error(res, 410, 'rest_already_trashed', 'The comment has already been trashed.');
        c.status = 'trash';
        return ok(res, wire(c, true, false));
      }
    }
    error(res, 404, 'rest_no_route', 'No route was found matching the URL and request method.');
  }

  function wirePost(p: FakePost, edit: boolean): Record<string, unknown> {
    return {
      id: p.id,
      date: gmt(p.date),
      date_gmt: gmt(p.date),
      modified_gmt: gmt(p.date),
      slug: p.slug,
      status: p.status,
      type: 'post',
      // Plain permalinks (the default): ?p=<id>, before and after publishing alike.
      link: postLink(p.id),
      title: { rendered: p.title, ...(edit ? { raw: p.title } : {}) },
      // wpautop is not modelled: the content is rendered as it was sent.
      content: { rendered: p.content, ...(edit ? { raw: p.content } : {}), protected: false },
      author: ADMIN_ID,
      comment_status: p.open ? 'open' : 'closed',
    };
  }

  /** WordPress's sanitize_title for the ASCII slugs Parvis sends (lowercase, dashes). */
  const sanitizeSlug = (raw: string) =>
    raw
      .toLowerCase()
      .replace(/[^a-z0-9_\s-]/g, (c) => (c === '.' ? '-' : ''))
      .replace(/[\s-]+/g, '-')
      .replace(/^-+|-+$/g, '');

  /** wp_unique_post_slug: a slug taken by another post (trashed ones are renamed) gets -2, -3… */
  function uniqueSlug(slug: string, self: number | null): string {
    const taken = (candidate: string) => [...posts.values()].some((p) => p.id !== self && p.slug === candidate);
    if (!taken(slug)) return slug;
    for (let n = 2; ; n++) if (!taken(`${slug}-${n}`)) return `${slug}-${n}`;
  }

  function trash(p: FakePost): void {
    p.status = 'trash';
    p.slug = `${p.slug}__trashed`;
  }

  const WRITABLE_STATUSES = ['publish', 'future', 'draft', 'pending', 'private'];

  /** POST /wp/v2/posts (create) or /wp/v2/posts/:id (update), with the real one's status rules. */
  function writePost(res: ServerResponse, existing: FakePost | null, raw: unknown): void {
    const body = (raw ?? {}) as { title?: unknown; content?: unknown; slug?: unknown; status?: unknown; date_gmt?: unknown };
    if (body.status !== undefined && !WRITABLE_STATUSES.includes(String(body.status))) {
      return error(res, 400, 'rest_invalid_param', 'Invalid parameter(s): status');
    }
    let date = existing?.date ?? seconds();
    if (body.date_gmt !== undefined && body.date_gmt !== null) {
      const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}(?::\d{2})?)?$/.exec(String(body.date_gmt));
      const parsed = m ? Date.parse(`${m[1]}T${m[2]}Z`) : NaN;
      if (!Number.isFinite(parsed)) return error(res, 400, 'rest_invalid_param', 'Invalid parameter(s): date_gmt');
      date = Math.floor(parsed / 1000);
    }
    const title = typeof body.title === 'string' ? body.title : (existing?.title ?? '');
    const content = typeof body.content === 'string' ? body.content : (existing?.content ?? '');
    if (!existing && !title.trim() && !content.trim()) return error(res, 400, 'empty_content', 'Content, title, and excerpt are empty.');
    let status = (body.status as PostStatus | undefined) ?? existing?.status ?? 'draft';
    // wp_insert_post: a publish in the future is held (future); a future already past is published.
    if (status === 'publish' && date > seconds()) status = 'future';
    else if (status === 'future' && date <= seconds()) status = 'publish';
    const wantedSlug = typeof body.slug === 'string' ? sanitizeSlug(body.slug) : (existing?.slug ?? '');
    const id = existing?.id ?? nextPost++;
    const slug = wantedSlug ? uniqueSlug(wantedSlug, id) : existing ? existing.slug : status === 'draft' ? '' : uniqueSlug(sanitizeSlug(title) || String(id), id);
    const post: FakePost = { id, title, content, slug, status, date, open: existing?.open ?? true };
    posts.set(id, post);
    sendJson(res, existing ? 200 : 201, wirePost(post, true), { Link: `<${apiRoot()}>; rel="https://api.w.org/"` });
  }

  function listPosts(res: ServerResponse, query: Record<string, string>, authed: boolean): void {
    const edit = query.context === 'edit';
    const requested = (query.status ?? 'publish').split(',').map((x) => x.trim()).filter(Boolean);
    // Anything but published posts is for users who may edit them; the real one answers 400 here.
    if (!authed && requested.some((x) => x !== 'publish')) return error(res, 400, 'rest_invalid_param', 'Invalid parameter(s): status');
    if (edit && !authed) return error(res, 401, 'rest_forbidden_context', 'Sorry, you are not allowed to edit posts in this post type.');
    const known = [...WRITABLE_STATUSES, 'trash', 'any'];
    if (requested.some((x) => !known.includes(x))) return error(res, 400, 'rest_invalid_param', 'Invalid parameter(s): status');
    // `any` is every status shown in searches: not the trash.
    const statuses = new Set(requested.flatMap((x) => (x === 'any' ? WRITABLE_STATUSES : [x])));
    const perPage = query.per_page === undefined ? 10 : Number(query.per_page);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return error(res, 400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
    const page = query.page === undefined ? 1 : Number(query.page);
    if (!Number.isInteger(page) || page < 1) return error(res, 400, 'rest_invalid_param', 'Invalid parameter(s): page');
    let list = [...posts.values()].filter((p) => statuses.has(p.status));
    if (query.slug !== undefined) {
      const slugs = query.slug.split(',').map((x) => sanitizeSlug(x.trim()) || x.trim());
      list = list.filter((p) => slugs.includes(p.slug));
    }
    list.sort((a, b) => b.date - a.date || b.id - a.id);
    const total = list.length;
    const totalPages = Math.ceil(total / perPage);
    // Unlike comments, the posts endpoint refuses a page past the last one.
    if (page > 1 && page > totalPages) return error(res, 400, 'rest_post_invalid_page_number', 'The page number requested is larger than the number of pages available.');
    ok(res, list.slice((page - 1) * perPage, page * perPage).map((p) => wirePost(p, edit)), { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(totalPages) });
  }

  function listComments(res: ServerResponse, query: Record<string, string>, authed: boolean): void {
    const edit = query.context === 'edit';
    const status = query.status ?? 'approve';
    if ((edit || status !== 'approve') && !authed) {
      return edit
        ? error(res, 401, 'rest_forbidden_context', 'Sorry, you are not allowed to edit comments.')
        : error(res, 401, 'rest_forbidden_param', 'Query parameter not permitted: status');
    }
    const perPage = query.per_page === undefined ? 10 : Number(query.per_page);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      return error(res, 400, 'rest_invalid_param', 'Invalid parameter(s): per_page', {});
    }
    const page = query.page === undefined ? 1 : Number(query.page);
    if (!Number.isInteger(page) || page < 1) return error(res, 400, 'rest_invalid_param', 'Invalid parameter(s): page');
    const wanted: Record<string, CommentStatus[]> = { approve: ['approved'], approved: ['approved'], hold: ['hold'], spam: ['spam'], trash: ['trash'], all: ['approved', 'hold'] };
    const statuses = wanted[status];
    if (!statuses) return error(res, 400, 'rest_invalid_param', 'Invalid parameter(s): status');
    let list = [...comments.values()].filter((c) => statuses.includes(c.status));
    if (query.post) list = list.filter((c) => String(c.post) === query.post);
    if (query.parent) list = list.filter((c) => String(c.parent) === query.parent);
    if (query.author) list = list.filter((c) => String(c.author) === query.author);
    const asc = (query.order ?? 'desc') === 'asc';
    list.sort((a, b) => (a.date - b.date || a.id - b.id) * (asc ? 1 : -1));
    const total = list.length;
    const totalPages = Math.ceil(total / perPage);
    // Unlike posts, WordPress's comments endpoint answers an empty page past the last one.
    const slice = list.slice((page - 1) * perPage, page * perPage);
    ok(res, slice.map((c) => wire(c, edit, query._embed !== undefined)), { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(totalPages) });
  }

  const server = await startLocalServer(handle);
  url = server.url;

  const must = (id: number) => {
    const c = comments.get(id);
    if (!c) throw new Error(`no comment ${id}`);
    return c;
  };
  const control: WordPressControl = {
    user,
    get appPassword() {
      return appPassword ?? '';
    },
    addPost(title, o = {}) {
      const id = nextPost++;
      const post: FakePost = { id, title, open: o.open ?? true, content: '', slug: uniqueSlug(sanitizeSlug(title) || String(id), id), status: 'publish', date: seconds() };
      posts.set(post.id, post);
      return post;
    },
    post: (id) => posts.get(id),
    posts: () => [...posts.values()],
    publishDue() {
      const due = [...posts.values()].filter((p) => p.status === 'future' && p.date <= seconds());
      for (const p of due) p.status = 'publish';
      return due;
    },
    trashPost(id) {
      const p = posts.get(id);
      if (!p) throw new Error(`no post ${id}`);
      if (p.status !== 'trash') trash(p);
    },
    loseAnswers(count = 1, status = 502, method) {
      for (let i = 0; i < count; i++) lostAnswers.push({ status, method: method ?? null });
    },
    addComment(input) {
      if (!posts.has(input.post)) throw new Error(`no post ${input.post}`);
      const c: FakeComment = {
        id: nextComment++,
        post: input.post,
        parent: input.parent ?? 0,
        author: 0,
        authorName: input.author,
        authorEmail: input.email ?? `${input.author.toLowerCase().replace(/\W+/g, '')}@example.test`,
        authorUrl: '',
        date: input.date ?? seconds(),
        content: input.text,
        status: input.status ?? 'hold',
      };
      comments.set(c.id, c);
      return c;
    },
    comment: (id) => comments.get(id),
    comments: () => [...comments.values()],
    setStatus: (id, status) => void (must(id).status = status),
    edit: (id, text) => void (must(id).content = text),
    deleteForGood: (id) => void comments.delete(id),
    closeComments: (post) => {
      const p = posts.get(post);
      if (p) p.open = false;
    },
    revokePassword: () => void (appPassword = null),
    setPassword: (password) => void (appPassword = password),
    fail: (fault, count = 1) => faults.add(fault, count),
    requests: () => [...log],
  };
  return { url, control, close: server.close };
}

/**
 * A real WordPress for a test file, from Debian's packages: a private MariaDB in a temp dir
 * (socket only, no TCP port), a copy of /usr/share/wordpress with its own wp-config.php, installed
 * through WordPress's own `wp_install()` run by php-cli (WP-CLI is not packaged), and served by
 * PHP's built-in server on a free 127.0.0.1 port. The admin gets an Application Password, the way
 * a user makes one under Users > Profile.
 *
 * MariaDB runs as the `mysql` system user under root (CI) and as the current user otherwise.
 * PHP's mail() goes to /bin/true (Debian's Postfix is installed but not running), WP-Cron is off
 * (nothing scheduled matters here), and the environment type is `local`: WordPress only offers
 * Application Passwords over HTTPS or on a local site.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, removeDir, run, serviceUser, startChild, tempDir, waitForPort, type Child } from './proc';

const WORDPRESS_DIR = '/usr/share/wordpress';
const PHP_FLAGS = ['-d', 'sendmail_path=/bin/true', '-d', 'display_errors=stderr', '-d', 'error_reporting=E_ALL & ~E_DEPRECATED'];

export interface RealWordPress {
  /** The site's address, what a user types (http://127.0.0.1:port). */
  url: string;
  /** The administrator's login and an Application Password made for Parvis. */
  user: string;
  appPassword: string;
  /**
   * Runs PHP with WordPress loaded (as WP-CLI's `eval` would) and returns what the code
   * `return`s, JSON-decoded. For what visitors and other moderators do on the site.
   */
  php<T = unknown>(code: string): Promise<T>;
  /** The PHP server's and MariaDB's output so far, for failures. */
  logs(): string;
  stop(): Promise<void>;
}

async function waitForSocket(path: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(path);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (child.process.exitCode !== null || child.process.signalCode !== null) throw new Error(`MariaDB exited before listening:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`MariaDB did not open ${path} within ${timeoutMs} ms:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A private MariaDB on a Unix socket in its own temp dir, with an empty `wordpress` database. */
async function startMariaDb(): Promise<{ socket: string; output(): string; stop(): Promise<void> }> {
  const user = serviceUser('mysql');
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  const dir = tempDir('mariadb', user);
  const data = join(dir, 'data');
  const socket = join(dir, 'mysql.sock');
  await run(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve'],
    { name: 'mariadb-install-db', cwd: dir, ...ids },
  );
  const child = startChild(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      '--skip-networking',
      '--skip-log-bin',
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-buffer-pool-size=32M',
    ],
    { name: 'mariadbd', cwd: dir, ...ids },
  );
  try {
    await waitForSocket(socket, child);
    await run('mariadb', ['--no-defaults', '-S', socket, '-u', 'root', '-e', 'CREATE DATABASE wordpress CHARACTER SET utf8mb4'], { name: 'mariadb' });
  } catch (err) {
    await child.stop();
    removeDir(dir);
    throw err;
  }
  return {
    socket,
    output: () => child.output(),
    async stop() {
      // The data is thrown away: no need to wait for a clean InnoDB shutdown for long.
      await child.stop(3_000);
      removeDir(dir);
    },
  };
}

const phpString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function startRealWordPress(options: { title?: string; admin?: string } = {}): Promise<RealWordPress> {
  const db = await startMariaDb();
  const dir = tempDir('wordpress');
  const site = join(dir, 'site');
  const content = join(dir, 'content');
  let server: Child | null = null;
  const stopAll = async () => {
    await server?.stop(1_000);
    await db.stop();
    removeDir(dir);
  };
  try {
    // A copy, not symlinks: PHP resolves __FILE__ through links, and Debian's own wp-config.php
    // (which reads /etc/wordpress/config-<host>.php) must not be the one loaded. Hard links when
    // the system allows them (same file system; root, or files of one's own): copying 56 MB takes
    // seconds on a busy disk. Nothing writes into WordPress's own files (updates are off), and the
    // two that change are unlinked first.
    await run('cp', ['-al', WORDPRESS_DIR, site], { name: 'cp -al' }).catch(() => {
      rmSync(site, { recursive: true, force: true });
      cpSync(WORDPRESS_DIR, site, { recursive: true, verbatimSymlinks: true });
    });
    rmSync(join(site, '.htaccess'), { force: true });
    rmSync(join(site, 'wp-config.php'));
    for (const sub of ['plugins', 'themes', 'uploads']) mkdirSync(join(content, sub), { recursive: true });

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(site, 'wp-config.php'),
      `<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', ${phpString(`localhost:${db.socket}`)});
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HOME', ${phpString(url)});
define('WP_SITEURL', ${phpString(url)});
define('WP_CONTENT_DIR', ${phpString(content)});
define('WP_ENVIRONMENT_TYPE', 'local');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`,
    );
    // PHP's built-in server has no rewrites: files are served as they are, everything else goes to
    // WordPress's front controller (what the .htaccess of a pretty-permalink site does).
    writeFileSync(
      join(dir, 'router.php'),
      `<?php
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path !== '/' && is_file($_SERVER['DOCUMENT_ROOT'] . $path)) return false;
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
require $_SERVER['SCRIPT_FILENAME'];
`,
    );

    let evalCount = 0;
    const php = async <T>(code: string, installing = false): Promise<T> => {
      const file = join(dir, `eval-${++evalCount}.php`);
      writeFileSync(
        file,
        `<?php
${installing ? "define('WP_INSTALLING', true);" : ''}
$_SERVER['HTTP_HOST'] = ${phpString(`127.0.0.1:${port}`)};
require ${phpString(join(site, 'wp-load.php'))};
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
$parvis_result = (function () { ${code} })();
fwrite(STDOUT, "\\n@@PARVIS@@" . json_encode($parvis_result));
`,
      );
      try {
        const out = await run('php', [...PHP_FLAGS, file], { name: 'php', cwd: dir });
        const at = out.lastIndexOf('@@PARVIS@@');
        if (at < 0) throw new Error(`PHP gave no result:\n${out}`);
        return JSON.parse(out.slice(at + '@@PARVIS@@'.length)) as T;
      } finally {
        rmSync(file, { force: true });
      }
    };

    const user = options.admin ?? 'admin';
    const installed = await php<{ password: string }>(
      `
      $r = wp_install(${phpString(options.title ?? 'Parvis test blog')}, ${phpString(user)}, 'admin@example.test', true, '', wp_generate_password(20));
      if (is_wp_error($r)) throw new Exception($r->get_error_message());
      list($password) = WP_Application_Passwords::create_new_application_password($r['user_id'], array('name' => 'Parvis'));
      return array('password' => $password);
      `,
      true,
    );

    server = startChild('php', [...PHP_FLAGS, '-S', `127.0.0.1:${port}`, '-t', site, join(dir, 'router.php')], {
      name: 'php -S',
      cwd: dir,
      // One request at a time (PHP_CLI_SERVER_WORKERS would fork workers that outlive a SIGTERM to
      // their parent): Parvis's connector sends its requests one after another anyway.
    });
    await waitForPort(port, server);
    const running = server;
    return {
      url,
      user,
      appPassword: installed.password,
      php: (code) => php(code),
      logs: () => `php -S:\n${running.output()}\nmariadbd:\n${db.output()}`,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

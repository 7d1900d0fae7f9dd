// Bluesky's own test network (@atproto/dev-env TestNetwork: PLC, PDS, AppView, bsync, ozone),
// run under Node 22 (dev-env needs it) by e2e/real/harness/bluesky.ts. Every listener is pinned
// to 127.0.0.1. Prints one JSON line with the URLs on stdout, then serves a small control API on
// 127.0.0.1 for the tests (JSON in and out):
//   POST /process   waits until the AppView and ozone have indexed everything written so far
//   GET  /reports   the reports ozone received: [{ reasonType, comment, subjectUri, subjectDid }]
//   POST /stop      closes the network, then exits
// Needs DB_POSTGRES_URL and REDIS_HOST (private instances started by the harness).
import http from 'node:http';
import net from 'node:net';

// dev-env's servers call listen(port) with no host, which binds every interface. Tests and
// servers here use 127.0.0.1 only, so a listen without a host gets 127.0.0.1.
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function pinnedListen(...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && !('path' in args[0]) && !('fd' in args[0]) && !('handle' in args[0]) && !args[0].host) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};

const { TestNetwork } = await import('@atproto/dev-env');

const network = await TestNetwork.create({
  dbPostgresSchema: "parvis", // the database is private to this run
  // The production AppView delays notifications by a few seconds; the tests want them at once.
  bsky: { notificationsDelayMs: 0 },
});

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await network.close().catch((err) => process.stderr.write(`close: ${err?.message ?? err}\n`));
  control.close();
  process.exit(0);
}

const control = http.createServer((req, res) => {
  (async () => {
    if (req.method === 'POST' && req.url === '/process') {
      await network.processAll();
      return json(res, 200, { ok: true });
    }
    if (req.method === 'GET' && req.url === '/reports') {
      const rows = await network.ozone.ctx.db.db
        .selectFrom('moderation_event')
        .select(['meta', 'comment', 'subjectUri', 'subjectDid'])
        .where('action', '=', 'tools.ozone.moderation.defs#modEventReport')
        .orderBy('id', 'asc')
        .execute();
      return json(
        res,
        200,
        rows.map((r) => ({ reasonType: r.meta?.reportType ?? null, comment: r.comment ?? null, subjectUri: r.subjectUri || null, subjectDid: r.subjectDid })),
      );
    }
    if (req.method === 'POST' && req.url === '/stop') {
      json(res, 200, { ok: true });
      setImmediate(stop);
      return;
    }
    json(res, 404, { error: 'no such control call' });
  })().catch((err) => json(res, 500, { error: err?.message ?? String(err) }));
});
control.listen(0, '127.0.0.1', () => {
  const local = (url) => url.replace('//localhost:', '//127.0.0.1:');
  process.stdout.write(
    `${JSON.stringify({
      pds: local(network.pds.url),
      appview: local(network.bsky.url),
      plc: local(network.plc.url),
      ozone: local(network.ozone.url),
      control: `http://127.0.0.1:${control.address().port}`,
    })}\n`,
  );
});

process.on('SIGTERM', stop);
process.on('SIGINT', stop);

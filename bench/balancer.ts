// A round-robin HTTP load balancer, as a cloud one would sit in front of several Pushpull instances: each request
// goes to the next instance in turn over keep-alive connections. It runs as its own process
// (`node --import tsx bench/balancer.ts` with BALANCE_TO=port,port,…), so its CPU time is its own in /proc.
// GET /__balancer answers how many requests each instance was given.
import http from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Headers about one hop's connection, not the request: each side of the balancer has its own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

export function balancer(ports: number[]): http.Server {
  const agents = ports.map(() => new http.Agent({ keepAlive: true, maxSockets: 128 }));
  const given = ports.map(() => 0);
  let next = 0;
  return http.createServer((req, res) => {
    if (req.url === '/__balancer') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ given }));
      return;
    }
    const i = next;
    next = (next + 1) % ports.length;
    given[i] = (given[i] ?? 0) + 1;
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: ports[i],
        method: req.method,
        path: req.url,
        headers: endToEnd(req.headers),
        agent: agents[i],
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`balancer: instance on port ${ports[i]} failed: ${error.message}`);
    });
    req.pipe(upstream);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ports = (process.env.BALANCE_TO ?? '').split(',').filter(Boolean).map(Number);
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p <= 0)) {
    process.stderr.write('balancer: set BALANCE_TO to the instances’ ports, such as 3001,3002,3003\n');
    process.exit(2);
  }
  const server = balancer(ports).listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    // The line spawnPushpull waits for.
    process.stderr.write(
      `${JSON.stringify({ msg: 'balancing', to: ports, port: (address as { port: number }).port })}\n`,
    );
  });
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

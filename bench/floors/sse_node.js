// The SSE floor on Node.js: its `http` module alone, no framework. `node sse_node.js PORT FRAME_BYTES`.
// Same surface as bench/floors/sse_asgi.py: `GET /api/cache-events` opens a stream (`: connected` first); each
// `PATCH /api/admin/products/1` encodes one frame of FRAME_BYTES bytes with the next id and writes it to every
// open stream; `GET /api/products` lists the one product; `GET /healthz` answers when the server is up.
'use strict';
const http = require('http');

const port = Number(process.argv[2]);
const frameBytes = Number(process.argv[3]);
const streams = new Set();
const product = { id: 1, name: 'Floor product', version: 1 };
let events = 0;

function frame(eventId) {
  const head = `id: ${eventId}\r\nevent: product-updated\r\ndata: {"pad": "`;
  const tail = '"}\r\n\r\n';
  return Buffer.from(head + 'x'.repeat(Math.max(0, frameBytes - head.length - tail.length)) + tail);
}

function answer(res, content, status = 200) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(content));
}

function stream(req, res) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
  res.write(': connected\r\nretry: 2000\r\n\r\n');
  streams.add(res);
  req.on('close', () => streams.delete(res));
}

function rename(req, res) {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    product.name = JSON.parse(Buffer.concat(chunks)).name;
    product.version += 1;
    events += 1;
    const data = frame(events);
    setImmediate(() => { for (const open of streams) open.write(data); });
    answer(res, product);
  });
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/api/cache-events')) stream(req, res);
  else if (req.url === '/healthz') answer(res, { status: 'ok' });
  else if (req.method === 'GET' && req.url.startsWith('/api/products')) {
    answer(res, { items: [product], total: 1, page: 1, page_size: 24 });
  } else if (req.method === 'PATCH' && req.url === `/api/admin/products/${product.id}`) rename(req, res);
  else answer(res, { detail: 'Not Found' }, 404);
});
server.requestTimeout = 0; // streams stay open as long as their clients do
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));

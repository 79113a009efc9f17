/**
 * The baseline: plain Bun.serve answering the benchmarked route exactly as the recommendation
 * module does for an unknown user (`[]`, application/json), with no framework at all.
 * Prints its port on stdout.
 */
const body = '[]';
const server = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch: () => new Response(body, { headers: { 'content-type': 'application/json' } }),
});
console.log(server.port);
process.on('SIGTERM', () => {
  server.stop(true);
  process.exit(0);
});

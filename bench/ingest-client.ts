import { sampleEvent } from './sample-event.js';

/**
 * The load generator of the ingestion benchmark, run in its own process: posts `batches`
 * batches of 100 track events (~500 bytes each) to /v1/batch with `concurrency` requests in
 * flight, each acknowledged only after commit, and prints {events, seconds}.
 */
const [url, writeKey, batchesArg, concurrencyArg] = process.argv.slice(2);
const batches = Number(batchesArg);
const concurrency = Number(concurrencyArg);
const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

async function main(): Promise<void> {
  // The bodies are made before the clock starts: the generator shares the machine's cores with
  // the server, and what is measured is the server's work.
  const bodies = Array.from({ length: batches }, (_, n) => {
    const visitor = `vis_bench${String(n).padStart(8, '0')}`;
    return JSON.stringify({ batch: Array.from({ length: 100 }, (_, i) => sampleEvent(visitor, i)) });
  });
  let next = 0;
  let failed = 0;
  const started = performance.now();
  async function worker(): Promise<void> {
    while (next < batches) {
      const body = bodies[next++]!;
      const res = await fetch(`${url}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
      if (!res.ok) failed++;
      await res.arrayBuffer();
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ events: (batches - failed) * 100, failedBatches: failed, seconds }));
}

await main();

import { runFile } from './dist/src/index.js';
let peak = { rss: 0 };
const timer = setInterval(() => { const m = process.memoryUsage(); if (m.rss > peak.rss) peak = m; }, 20);
await runFile({ input: '/tmp/narrow.csv', output: '/tmp/narrow.out.csv', threads: 2 });
clearInterval(timer);
const mb = (x) => (x / 2**20).toFixed(0);
console.log({ rss: mb(peak.rss), heapTotal: mb(peak.heapTotal), heapUsed: mb(peak.heapUsed), external: mb(peak.external), arrayBuffers: mb(peak.arrayBuffers) });

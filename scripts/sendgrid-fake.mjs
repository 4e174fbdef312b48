#!/usr/bin/env node
// A local SendGrid for manual runs: node scripts/sendgrid-fake.mjs [--port 8025] [--api-key SG.x]
//   [--latency 50] [--failure-rate 0.1] [--failure-status 429] [--max-received 100000]
import { parseArgs } from "node:util";
import { startSendGridFake } from "./lib/sendgrid-fake.mjs";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8025" },
    "api-key": { type: "string", default: "SG.test-key" },
    latency: { type: "string", default: "0" },
    "failure-rate": { type: "string", default: "0" },
    "failure-status": { type: "string", default: "500" },
    "max-received": { type: "string", default: "100000" },
  },
});

const fake = await startSendGridFake({
  port: Number(values.port),
  apiKey: values["api-key"],
  latencyMs: Number(values.latency),
  failureRate: Number(values["failure-rate"]),
  failureStatus: Number(values["failure-status"]),
  maxReceived: Number(values["max-received"]),
});
console.log(`SendGrid fake listening on ${fake.url}`);
console.log(`  POST ${fake.url}/v3/mail/send  (Authorization: Bearer ${values["api-key"]})`);
console.log(`  GET  ${fake.url}/__fake/received[?to=email]   POST ${fake.url}/__fake/reset`);
console.log(`  GET/POST ${fake.url}/__fake/behaviour`);

for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => fake.stop().then(() => process.exit(0)));
}

#!/usr/bin/env node
// `npm run bench`: starts Tidings locally as `npm run dev` does, posts N events to it, waits until
// the SendGrid fake has every email, prints a table and writes bench/results/<time>-<scenario>.json.
// Exits 1 when an accepted notification was lost or sent twice, 2 when the bench itself failed.
import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readArgs, USAGE } from "./lib/args.mjs";
import { openCpuProfiler } from "./lib/cpu-profile.mjs";
import { cpuDelta, sampleCpu } from "./lib/cpu.mjs";
import { openDbState } from "./lib/db-state.mjs";
import { makeEvent } from "./lib/events.mjs";
import { databaseProfile } from "./lib/db-profile.mjs";
import { createDigestTracker } from "./lib/digest-ledger.mjs";
import { setDigestDefaults } from "./lib/digest-setup.mjs";
import { computeFigures } from "./lib/figures.mjs";
import { fanOutEvent, fanOutFigures } from "./lib/fan-out.mjs";
import { postEvents } from "./lib/load.mjs";
import { mixedPriorityEvent, priorityFigures } from "./lib/mixed-priority.mjs";
import { postAtFixedRate, scheduleFigures } from "./lib/open-loop.mjs";
import { createReceipts } from "./lib/receipts.mjs";
import { formatProfiles, formatTable, formatTwoTenant } from "./lib/report.mjs";
import { scenarioRows } from "./lib/scenario-report.mjs";
import { STALL_MS, settledOnTheirOwn, waitForDelivery } from "./lib/settle.mjs";
import { startStack } from "./lib/stack.mjs";
import { formatTiming, runTiming, settleTiming, timingFigures } from "./lib/timing.mjs";
import { runTwoTenant, twoTenantFigures } from "./lib/two-tenant.mjs";
import { splitWarmUp, warmUp } from "./lib/warm-up.mjs";
import { createLogReader } from "./lib/wrangler-log.mjs";
import { newApiKey } from "../scripts/lib/seed.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** After the last expected email, keep listening this long for late duplicates. */
const DUPLICATE_GRACE_MS = 3000;
/** How the Worker ran (--runtime), as the table and the JSON result name it. */
const RUNTIME_LABEL = { wrangler: "wrangler dev (dev proxy + inspector relay)", miniflare: "miniflare (no dev proxy)" };

async function main() {
  const args = readArgs(process.argv.slice(2));
  if (!args) return void console.log(USAGE);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const resultsDir = path.join(root, "bench/results");
  await mkdir(resultsDir, { recursive: true });
  const stem = path.join(resultsDir, `${stamp}-${args.scenario}`);
  const log = createLogReader();
  const loadBefore = os.loadavg();
  const progress = (/** @type {string} */ m) => console.error(`[bench] ${m}`);

  progress(`starting the service (${args.databaseUrl ? "PostgreSQL server" : "embedded PGlite"}) …`);
  const floodKey = args.twoTenant ? newApiKey() : undefined;
  const stack = await startStack({
    ...(args.twoTenant && floodKey
      ? {
          flood: {
            apiKey: floodKey,
            recipientsPerSecond: args.twoTenant.recipientsPerSecond,
            recipientsBurst: args.twoTenant.recipientsBurst,
            keyConcurrency: args.twoTenant.keyConcurrency,
          },
        }
      : {}),
    root,
    serverUrl: args.databaseUrl,
    gate: args.scenario === "depth",
    providerLatencyMs: args.providerLatencyMs,
    retryBaseSeconds: args.retryBaseSeconds,
    logFile: `${stem}.wrangler.log`,
    onLine: log.read,
    runtime: args.runtime,
    inspect: args.cpuProfile,
  });
  const stopOnSignal = () => stack.stop().then(() => process.exit(130));
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  const db = await openDbState(stack.database.url);
  const receipts = createReceipts(stack.fake);
  const drainTimer = setInterval(receipts.drain, 200);
  try {
    if (args.twoTenant && floodKey) {
      const deadline = Date.now() + args.timeoutSeconds * 1000;
      const profiler = args.cpuProfile ? await openCpuProfiler(stack.inspectorPort, stack.inspectorPath) : undefined;
      await profiler?.start();
      const run = await runTwoTenant({
        port: stack.port,
        quietKey: stack.apiKey,
        floodKey,
        n: args.n,
        rate: args.twoTenant.rate,
        concurrency: args.concurrency,
        deadline,
        politeFlood: args.twoTenant.politeFlood,
        progress,
      });
      // Both phases' posting, alone and flooded: where the Worker's thread went while the quiet organisation waited.
      const cpuProfiles = profiler ? { run: await profiler.stop(`${stem}-run.cpuprofile`).catch((e) => ({ error: String(e) })) } : undefined;
      profiler?.close();
      const postedAt = new Map([...run.alone.postedAt, ...run.flooded.postedAt, ...run.flood.postedAt]);
      const timedOut = !(await waitForDelivery({ settled: settledOnTheirOwn({ receipts, accepted: postedAt, db }), total: postedAt.size, deadline, stallMs: STALL_MS, progress }));
      await new Promise((resolve) => setTimeout(resolve, DUPLICATE_GRACE_MS));
      receipts.drain();
      const figures = twoTenantFigures(run, receipts.byId, await db.failedIds());
      console.log(formatTwoTenant(figures, args));
      if (cpuProfiles) console.log(formatProfiles(cpuProfiles, path.basename(stem)));
      await writeFile(
        `${stem}.json`,
        `${JSON.stringify({ args: { ...args, databaseUrl: args.databaseUrl ? new URL(args.databaseUrl).host : undefined }, environment: { database: stack.database.kind, runtime: RUNTIME_LABEL[stack.runtime], commit: gitCommit() }, figures }, null, 2)}\n`,
      );
      if (figures.lost > 0 || figures.duplicates > 0 || timedOut) {
        progress(`FAIL: lost ${figures.lost}, duplicates ${figures.duplicates}${timedOut ? ", timed out" : ""}`);
        process.exitCode = 1;
      }
      return;
    }
    const runId = Math.random().toString(36).slice(2, 8);
    if (args.scenario === "timing") {
      const deadline = Date.now() + args.timeoutSeconds * 1000;
      const run = await runTiming({ port: stack.port, apiKey: stack.apiKey, n: args.n, concurrency: args.concurrency, runId, deadline, progress });
      const settled = await settleTiming({ url: stack.database.url, accepted: run.postedAt, byId: receipts.byId, drain: receipts.drain, deadline, progress });
      await new Promise((resolve) => setTimeout(resolve, DUPLICATE_GRACE_MS));
      receipts.drain();
      const figures = timingFigures(run, receipts.byId, settled.without);
      console.log(formatTiming(figures, args));
      await writeFile(
        `${stem}.json`,
        `${JSON.stringify({ args: { ...args, databaseUrl: args.databaseUrl ? new URL(args.databaseUrl).host : undefined }, environment: { database: stack.database.kind, runtime: RUNTIME_LABEL[stack.runtime], commit: gitCommit() }, figures }, null, 2)}\n`,
      );
      const broken = figures.lost + figures.duplicates + figures.deliveredAndSettled + figures.cancelRequestedButDelivered + figures.watchersOverLimit;
      if (broken > 0 || settled.timedOut) {
        progress(`FAIL: ${JSON.stringify(figures)}${settled.timedOut ? ", timed out" : ""}`);
        process.exitCode = 1;
      }
      return;
    }
    // The digest scenario: n events round-robin over n / perRecipient recipients.
    const recipients = args.digest ? Math.max(1, Math.ceil(args.n / args.digest.perRecipient)) : undefined;
    const eventsOf = (/** @type {string} */ id) =>
      args.highShare !== undefined
        ? mixedPriorityEvent(id, args.highShare)
        : args.recipientsPerEvent !== undefined
          ? fanOutEvent(id, args.recipientsPerEvent)
          : (/** @type {number} */ i) => makeEvent(i, id, { oneQueue: args.scenario === "depth", recipients });
    const eventAt = eventsOf(runId);
    if (args.digest) {
      await setDigestDefaults({ port: stack.port, apiKey: stack.apiKey, ...args.digest });
      progress(
        `comments and projects digested: ${args.digest.minutes}-minute windows, up to ${args.digest.maxItems} items${args.digest.burst ? ", burst" : ""}; ${recipients} recipients`,
      );
    }
    if (args.providerFailureRate > 0) {
      // The fake has one failure status per scope: odd events' recipients get 429s, the rest 500s.
      stack.fake.setBehaviour({ failureRate: args.providerFailureRate, failureStatus: 500 });
      for (let i = 1; i < Math.min(args.n, recipients ?? args.n); i += 2) {
        stack.fake.setBehaviour({ to: eventAt(i).recipients[0].email, failureRate: args.providerFailureRate, failureStatus: 429 });
      }
    }
    const deadline = Date.now() + args.timeoutSeconds * 1000;
    const warm = args.warmUp
      ? await warmUp({
          port: stack.port,
          apiKey: stack.apiKey,
          count: args.warmUp,
          concurrency: args.concurrency,
          deadline,
          eventAt: eventsOf(`${runId}w`),
          receipts,
          db,
          log,
          progress,
        })
      : undefined;
    const providerAtStart = { ...stack.fake.counts };
    const dbAtStart = await stack.database.stats();
    const profiler = args.cpuProfile ? await openCpuProfiler(stack.inspectorPort, stack.inspectorPath) : undefined;
    await profiler?.start();
    /** @type {Record<string, unknown>} */
    const cpuProfiles = {};
    const cpuBefore = sampleCpu({ wranglerPid: stack.wrangler.pid, databasePid: stack.database.pid, port: stack.port, runtime: stack.runtime });
    const pace = args.rate ? `at ${args.rate}/s (at most ${args.maxInFlight} in flight)` : `${args.concurrency} at a time`;
    progress(`posting ${args.n} events, ${pace}${stack.heldQueues.length ? `, delivery held (${stack.heldQueues.join(", ")})` : ""} …`);
    const load = { port: stack.port, apiKey: stack.apiKey, n: args.n, deadline, eventAt };
    const ingest = args.rate
      ? await postAtFixedRate({ ...load, rate: args.rate, maxInFlight: args.maxInFlight })
      : await postEvents({ ...load, concurrency: args.concurrency, runId });
    if (ingest.schedule?.skipped) progress(`${ingest.schedule.skipped} starts skipped: ${args.maxInFlight} POSTs were still unanswered`);
    progress(`ingested ${ingest.events} events in ${((ingest.endedAt - ingest.startedAt) / 1000).toFixed(1)} s`);

    /** @type {number | undefined} */
    let releasedAt;
    /** @type {number | undefined} */
    let deliveredDuringHold;
    /** @type {Awaited<ReturnType<typeof stack.database.stats>>} */
    let dbAtRelease;
    /** @type {ReturnType<typeof sampleCpu> | undefined} */
    let cpuAtRelease;
    if (stack.heldQueues.length) {
      cpuAtRelease = sampleCpu({ wranglerPid: stack.wrangler.pid, databasePid: stack.database.pid, port: stack.port, runtime: stack.runtime });
      dbAtRelease = await stack.database.stats();
      // A profile per phase: what ingest costs and what delivery costs, apart.
      if (profiler) {
        cpuProfiles.ingest = await profiler.stop(`${stem}-ingest.cpuprofile`).catch((e) => ({ error: String(e) }));
        await profiler.start();
      }
      receipts.drain();
      deliveredDuringHold = receipts.total;
      progress(`statuses before release: ${JSON.stringify(await db.statuses())}; releasing delivery`);
      releasedAt = Date.now();
      stack.release();
    }

    const digests = args.digest ? createDigestTracker({ db, receipts, accepted: ingest.postedAt, maxItems: args.digest.maxItems }) : undefined;
    const settled = digests ? digests.settled : settledOnTheirOwn({ receipts, accepted: ingest.postedAt, db, failedBefore: warm?.failedBefore });
    // A window holds its items for its length: quiet is expected that long, and the cron backstop after it.
    const stallMs = STALL_MS + (args.digest ? args.digest.minutes * 60_000 : 0);
    const timedOut = !(await waitForDelivery({ settled, total: ingest.postedAt.size, deadline, stallMs, progress }));
    const cpuAfter = sampleCpu({ wranglerPid: stack.wrangler.pid, databasePid: stack.database.pid, port: stack.port, runtime: stack.runtime });
    const cpu = cpuDelta(cpuBefore, cpuAfter);
    const dbAtEnd = await stack.database.stats();
    if (profiler) {
      const phase = releasedAt === undefined ? "run" : "delivery";
      cpuProfiles[phase] = await profiler.stop(`${stem}-${phase}.cpuprofile`).catch((e) => ({ error: String(e) }));
      profiler.close();
    }
    await new Promise((resolve) => setTimeout(resolve, DUPLICATE_GRACE_MS));
    receipts.drain();
    const statuses = await db.statuses();
    // In the digest scenario an item's receipt is its digest's, and items of a failed or skipped digest end there.
    const folded = await digests?.final();
    // The warm-up's notifications are checked apart and kept out of every other figure.
    const split = splitWarmUp(warm?.ids ?? new Set(), folded?.byNotification ?? receipts.byId, folded?.settledWithoutEmail ?? (await db.failedIds()));
    const { failedIds, byId } = split;
    const figures = computeFigures({ ingest, byId, failedIds, statuses, cpu, log, releasedAt, deliveredDuringHold, timedOut, heldQueues: stack.heldQueues });
    if (folded) Object.assign(figures, { digest: folded.figures, unexpectedReceipts: folded.figures.unexpectedReceipts });
    const env = { database: stack.database.kind, cpus: os.cpus().length, runtime: RUNTIME_LABEL[stack.runtime] };
    const provider = /** @type {typeof stack.fake.counts} */ (
      Object.fromEntries(Object.entries(stack.fake.counts).map(([k, v]) => [k, v - providerAtStart[/** @type {keyof typeof providerAtStart} */ (k)]]))
    );
    const extra = {
      ...(ingest.schedule ? { schedule: scheduleFigures(ingest.schedule, ingest.events) } : {}),
      ...(args.highShare !== undefined ? { priority: priorityFigures(ingest, byId) } : {}),
      ...(args.recipientsPerEvent !== undefined ? { fanOut: fanOutFigures({ ingest, figures, providerAccepted: provider.accepted }) } : {}),
      ...(warm ? { warmUp: split.figures } : {}),
      provider,
      database: databaseProfile({ dbAtStart, dbAtRelease, dbAtEnd, ingest, releasedAt, figures }),
      // With delivery held, ingest and delivery CPU can be told apart.
      ...(cpuAtRelease
        ? {
            cpuMsPerEmailByPhase: {
              ingest: perEmail(cpuDelta(cpuBefore, cpuAtRelease), ingest.events),
              delivery: perEmail(cpuDelta(cpuAtRelease, cpuAfter), figures.delivery.delivered),
            },
          }
        : {}),
    };
    console.log(formatTable({ ...figures, ...extra }, args, env, stack.heldQueues, scenarioRows(extra)));

    const result = {
      args: { ...args, databaseUrl: args.databaseUrl ? new URL(args.databaseUrl).host : undefined },
      command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
      environment: { ...env, node: process.version, wrangler: await versionOf("wrangler"), commit: gitCommit(), loadAvgBefore: loadBefore, loadAvgAfter: os.loadavg() },
      figures: { ...figures, ...extra },
      ...(args.cpuProfile ? { cpuProfiles } : {}),
      failureReasons: failedIds.size ? await db.failureReasons() : [],
    };
    if (args.cpuProfile) console.log(formatProfiles(cpuProfiles, path.basename(stem)));
    await writeFile(`${stem}.json`, `${JSON.stringify(result, null, 2)}\n`);
    progress(`wrote ${path.relative(root, `${stem}.json`)} (wrangler output: ${path.relative(root, `${stem}.wrangler.log`)})`);
    const digestFaults = folded
      ? folded.figures.subjectCountMismatches + folded.figures.itemsListedInTwoDigests + folded.figures.itemsWhoseDigestDisagrees + folded.figures.extraDigestReceipts
      : 0;
    const warmFaults = warm ? split.figures.lost + split.figures.duplicates : 0;
    if (figures.lost > 0 || figures.duplicates > 0 || timedOut || digestFaults > 0 || warmFaults > 0) {
      progress(
        `FAIL: lost ${figures.lost}, duplicates ${figures.duplicates}${warmFaults ? `, warm-up lost ${split.figures.lost} and duplicates ${split.figures.duplicates}` : ""}${digestFaults ? `, digest faults ${digestFaults}` : ""}${timedOut ? ", timed out" : ""}`,
      );
      process.exitCode = 1;
    }
  } finally {
    clearInterval(drainTimer);
    await db.close();
    await stack.stop();
  }
}

/** @param {Record<string, number>} cpu @param {number} count */
const perEmail = (cpu, count) => Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, count ? (v * 1000) / count : undefined]));

/** @param {string} pkg */
async function versionOf(pkg) {
  const json = JSON.parse(await readFile(path.join(root, "node_modules", pkg, "package.json"), "utf8"));
  return json.version;
}

function gitCommit() {
  try {
    const rev = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "wrangler.toml"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return dirty ? `${rev}+uncommitted src changes` : rev;
  } catch {
    return undefined;
  }
}

main().catch((e) => {
  console.error(`[bench] ${e instanceof Error ? e.stack : e}`);
  process.exitCode = 2;
});

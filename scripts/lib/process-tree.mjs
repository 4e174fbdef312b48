import { readdirSync, readFileSync } from "node:fs";

/**
 * Process-tree helpers over Linux /proc. `wrangler dev` starts workerd (and esbuild) as children,
 * and killing only the wrangler pid can leave workerd running with its ports bound, so callers
 * start wrangler `detached` (its own process group) and stop the group, then sweep the
 * descendants they saw, by pid. Elsewhere than Linux the /proc readers return empty results.
 */

/**
 * @typedef {object} ProcStat
 * @property {number} pid
 * @property {string} comm   executable name, at most 15 characters
 * @property {number} ppid
 * @property {number} pgid
 * @property {string} state  R, S, D, Z (zombie: exited, not yet reaped) …
 * @property {number} cpuTicks  utime + stime, in clock ticks (see clockTicksPerSecond)
 */

/** @param {number} pid @returns {ProcStat | null} */
export function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // comm is in parentheses and may itself contain spaces or parentheses: split after the last ")".
  const close = text.lastIndexOf(")");
  const comm = text.slice(text.indexOf("(") + 1, close);
  const fields = text.slice(close + 2).split(" ");
  // fields[0] is field 3 (state) of proc(5): ppid is 4, pgrp 5, utime 14, stime 15.
  return { pid, comm, state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

/** @returns {ProcStat[]} every process readable now */
export function listProcesses() {
  let entries;
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  /** @type {ProcStat[]} */
  const out = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/**
 * The process and all its descendants (by parent pid), the root first.
 * @param {number} rootPid
 * @returns {ProcStat[]}
 */
export function processTree(rootPid) {
  const all = listProcesses();
  /** @type {Map<number, ProcStat[]>} */
  const children = new Map();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const root = all.find((p) => p.pid === rootPid);
  if (!root) return [];
  const out = [root];
  // Bounded by the number of processes: each pid is visited once.
  for (let i = 0; i < out.length && i < all.length; i++) out.push(...(children.get(out[i].pid) ?? []));
  return out;
}

/** Clock ticks per second for ProcStat.cpuTicks; 100 on every mainstream Linux build. */
export const clockTicksPerSecond = 100;

/**
 * Stops a process started with `detached: true` and everything under it: SIGTERM to its group,
 * then SIGKILL to the group and to every descendant seen before or after, once `graceMs` passes.
 * @param {number} pid  the group leader
 * @param {{ graceMs?: number }} [options]
 * @returns {Promise<void>}
 */
export async function killProcessTree(pid, { graceMs = 5000 } = {}) {
  const seen = new Set(processTree(pid).map((p) => p.pid));
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && [...seen].some(isAlive)) await sleep(100);
  for (const p of processTree(pid)) seen.add(p.pid);
  signalGroup(pid, "SIGKILL");
  for (const p of seen) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** @param {number} pid @param {NodeJS.Signals} signal */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // no such group (already gone, or not started detached)
  }
}

/** @param {number} pid  false once exited, even while still a zombie nobody has reaped */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return readStat(pid)?.state !== "Z";
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

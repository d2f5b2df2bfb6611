import { cpus } from 'node:os';
import type { CpuShares } from './cpu-usage';
import type { Target } from './options';
import type { PostStats } from './post-stats';

/** Graph's deadline for a notification's 2xx. */
export const DEADLINE_MS = 3000;
/** A step counts only if the load generator really offered its rate (within this share). */
export const REACHED_SHARE = 0.95;
export const TARGET_RATE = 2000;
export const TARGET_P99_MS = 100;

/** mailpush's mail changes for the notifications of one step. */
export interface ChangeCounts {
  readonly expected: number;
  readonly unique: number;
  /** Expected changes that had not come when the drain wait ended. */
  readonly lost: number;
  /** Of those, how many came later (counted at the end of the run). */
  readonly late: number;
  readonly duplicates: number;
  /** From the last mail delivered to the last expected change seen; undefined when some were lost. */
  readonly drainMs: number | undefined;
}

export interface TargetStep {
  readonly target: Target;
  readonly offeredPerSecond: number;
  readonly delivered: number;
  readonly stats: PostStats;
  /** CPU while the mail was delivered, percent of one core. */
  readonly cpu: CpuShares;
  /** Mean time per accepted POST by the server's own clock (graph-receiver's webhook histogram). */
  readonly serverMeanMs: number | undefined;
  /** The server's event-loop delay while the mail was delivered. */
  readonly loopDelay: { readonly p99Ms: number | undefined; readonly maxMs: number | undefined };
  /** This process's event-loop delay meanwhile: the simulator's own share of the response times. */
  readonly benchLoopDelay: { readonly p99Ms: number; readonly maxMs: number };
  readonly changes?: ChangeCounts;
}

export interface StepResult {
  readonly offeredPerSecond: number;
  readonly seconds: number;
  readonly mailpush?: TargetStep;
  readonly bare?: TargetStep;
}

export function reached(step: TargetStep): boolean {
  return step.stats.achievedPerSecond >= REACHED_SHARE * step.offeredPerSecond;
}

/** Every POST a 2xx within 3 s, nothing lost or duplicated, and the rate really offered. */
export function passed(step: TargetStep): boolean {
  const changes = step.changes;
  return (
    reached(step) &&
    step.stats.failedPosts === 0 &&
    step.stats.undelivered === 0 &&
    (changes === undefined || (changes.lost === 0 && changes.duplicates === 0))
  );
}

export function formatStep(result: StepResult): string {
  const { mailpush, bare } = result;
  const rows: [string, (step: TargetStep) => string, string][] = [
    [
      'offered / achieved per s',
      (s) => `${s.offeredPerSecond} / ${Math.round(s.stats.achievedPerSecond)}`,
      ratio(mailpush?.stats.achievedPerSecond, bare?.stats.achievedPerSecond, 'rate '),
    ],
    ['POSTs (items per POST)', (s) => `${s.stats.posts} (${s.stats.itemsPerPost.toFixed(1)})`, ''],
    [
      'response p50 / p99 / max ms',
      (s) => `${ms(s.stats.p50Ms)} / ${ms(s.stats.p99Ms)} / ${ms(s.stats.maxMs)}`,
      ratio(mailpush?.stats.p99Ms, bare?.stats.p99Ms, 'p99 '),
    ],
    ['server-side mean ms per POST', (s) => (s.serverMeanMs === undefined ? '-' : ms(s.serverMeanMs)), ''],
    [
      'server event-loop delay p99 / max ms',
      (s) => (s.loopDelay.p99Ms === undefined ? '-' : `${ms(s.loopDelay.p99Ms)} / ${ms(s.loopDelay.maxMs ?? NaN)}`),
      '',
    ],
    ['bench event-loop delay p99 / max ms', (s) => `${ms(s.benchLoopDelay.p99Ms)} / ${ms(s.benchLoopDelay.maxMs)}`, ''],
    ['failed POSTs / retries', (s) => `${s.stats.failedPosts}${statuses(s.stats)} / ${s.stats.retries}`, ''],
    ['undelivered by Graph', (s) => String(s.stats.undelivered), ''],
    ['mail changes unique / expected', (s) => (s.changes ? `${s.changes.unique} / ${s.changes.expected}` : '-'), ''],
    [
      'lost (came late) / duplicates',
      (s) => (s.changes ? `${s.changes.lost} (${s.changes.late}) / ${s.changes.duplicates}` : '-'),
      '',
    ],
    [
      'drain after the step',
      (s) => (s.changes ? (s.changes.drainMs === undefined ? 'timed out' : `${s.changes.drainMs} ms`) : '-'),
      '',
    ],
    [`CPU % machine (of ${cpus().length * 100})`, (s) => percent(s.cpu.machine), ''],
    [
      'CPU % sim+load / server / broker',
      (s) => `${percent(s.cpu.bench)} / ${percent(s.cpu.server)} / ${percent(s.cpu.broker)}`,
      '',
    ],
    ['pass', (s) => (passed(s) ? 'yes' : reached(s) ? 'NO' : 'NO (rate not reached)'), ''],
  ];
  const cell = (step: TargetStep | undefined, format: (s: TargetStep) => string): string =>
    step === undefined ? 'not run' : format(step);
  const lines = [
    `--- ${result.offeredPerSecond} notifications/s for ${result.seconds} s ---`,
    `${''.padEnd(32)}${'mailpush'.padStart(24)}${'bare node:http'.padStart(24)}   mailpush/bare`,
    ...rows.map(
      ([label, format, extra]) =>
        `${label.padEnd(32)}${cell(mailpush, format).padStart(24)}${cell(bare, format).padStart(24)}   ${extra}`,
    ),
  ];
  return lines.join('\n');
}

export function formatSummary(results: readonly StepResult[]): string {
  const best = (target: Target): TargetStep | undefined =>
    results
      .map((result) => result[target])
      .filter((step): step is TargetStep => step !== undefined && passed(step))
      .sort((a, b) => b.offeredPerSecond - a.offeredPerSecond)[0];
  const lines: string[] = [];
  const ours = best('mailpush');
  const bare = best('bare');
  if (results.some((result) => result.mailpush !== undefined)) {
    if (ours === undefined) lines.push('mailpush: no step passed');
    else {
      const { stats } = ours;
      lines.push(
        `mailpush: highest passing rate ${ours.offeredPerSecond}/s (achieved ${Math.round(stats.achievedPerSecond)}/s), ` +
          `p50 ${ms(stats.p50Ms)} ms, p99 ${ms(stats.p99Ms)} ms, max ${ms(stats.maxMs)} ms`,
      );
    }
    const meeting = results
      .map((result) => result.mailpush)
      .filter((step): step is TargetStep => step !== undefined && passed(step))
      .some((step) => step.offeredPerSecond >= TARGET_RATE && step.stats.p99Ms < TARGET_P99_MS);
    lines.push(`target (>= ${TARGET_RATE}/s passing with p99 < ${TARGET_P99_MS} ms): ${meeting ? 'MET' : 'NOT MET'}`);
  }
  if (results.some((result) => result.bare !== undefined)) {
    lines.push(
      bare === undefined
        ? 'bare node:http: no step passed'
        : `bare node:http: highest passing rate ${bare.offeredPerSecond}/s, p50 ${ms(bare.stats.p50Ms)} ms, ` +
            `p99 ${ms(bare.stats.p99Ms)} ms, max ${ms(bare.stats.maxMs)} ms`,
    );
  }
  return lines.join('\n');
}

function ms(value: number): string {
  if (Number.isNaN(value)) return '-';
  return value < 10 ? value.toFixed(1) : String(Math.round(value));
}

function percent(value: number | undefined): string {
  return value === undefined ? '?' : String(Math.round(value));
}

function ratio(ours: number | undefined, theirs: number | undefined, label: string): string {
  if (ours === undefined || theirs === undefined || !(theirs > 0)) return '';
  return `${label}${(ours / theirs).toFixed(2)}x`;
}

function statuses(stats: PostStats): string {
  const entries = Object.entries(stats.failedStatuses);
  if (entries.length === 0) return '';
  return ` (${entries.map(([why, count]) => `${why}: ${count}`).join(', ')})`;
}

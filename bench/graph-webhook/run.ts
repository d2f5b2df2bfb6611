/**
 * Graph webhook benchmark: the Graph simulator (in this process) posts change notifications at rising rates
 * to graph-receiver (the built app, its own process, on RabbitMQ, Redis and PostgreSQL) and, at the same
 * rates, to a bare node:http server answering 202. Per step: notifications/s achieved, response times
 * (p50/p99/max per notification), failures, retries, and for mailpush whether every notification became
 * exactly one `mail.changed`. Prints the highest rate that passes and the ratios to the bare server.
 *
 *   npm run bench:graph-webhook -- [--steps=250,500,1000,2000,3000,4000] [--step-seconds=30] [--mailboxes=20]
 *                                  [--only=mailpush|bare] [--drain-seconds=120] [--warmup-seconds=3]
 *                                  [--dump=<folder>] [--profile=<folder>]
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { GraphSimulator, SandboxCertificateAuthority, type NotificationPost } from '@mailpush/simulators';
import { workspaceRoot } from '../../tools/e2e/src/support/app-process';
import { BareTarget } from './bare-target';
import { Cleanups } from './cleanups';
import { cpuShares, readCpu } from './cpu-usage';
import { MailpushTarget, type GraphApp } from './mailpush-target';
import { parseOptions, type Options, type Target } from './options';
import { deliverAtRate } from './paced-delivery';
import { postStats } from './post-stats';
import { serverMeanMs, type BenchTarget } from './server-sample';
import { DEADLINE_MS, formatStep, formatSummary, type StepResult, type TargetStep } from './report';

const RESULTS_PATH = resolve(__dirname, 'results/latest.json');
const SENDER = { name: 'Bench Sender', address: 'sender@bench.example' };
/** Between two measurements, so that one's garbage collection and stragglers do not land in the next. */
const PAUSE_MS = 1000;

interface Targets {
  readonly mailpush?: MailpushTarget;
  readonly bare?: BareTarget;
}

/** Change ids each mailpush step must produce (in the order run, warm-up first), to count them again at the end. */
const expectedByStep: Set<string>[] = [];

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  Logger.overrideLogger(['error']);
  const cleanups = new Cleanups();
  const interrupted = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: cleaning up\n`);
    void cleanups.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const { simulator, app, caPath } = await startGraph(cleanups);
    const targets: Targets = {
      ...(options.only === 'bare'
        ? {}
        : {
            mailpush: await MailpushTarget.start(simulator, app, caPath, options.mailboxes, cleanups, options.profile),
          }),
      ...(options.only === 'mailpush'
        ? {}
        : { bare: await BareTarget.start(simulator, app, options.mailboxes, cleanups) }),
    };
    process.stdout.write(
      `Graph simulator ${simulator.url}; ${options.mailboxes} mailboxes per target; ` +
        `${cpus().length} CPUs shared by the simulator and load generator, graph-receiver, RabbitMQ, Redis, PostgreSQL\n`,
    );
    if (options.warmupSeconds > 0) {
      const rate = Math.min(options.steps[0] ?? 250, 250);
      const warmup = await runStep(simulator, targets, rate, options.warmupSeconds, options);
      process.stdout.write(`\nwarm-up (not in the summary):\n${formatStep(warmup)}\n`);
    }
    const results: StepResult[] = [];
    for (const rate of options.steps) {
      const result = await runStep(simulator, targets, rate, options.stepSeconds, options);
      results.push(result);
      process.stdout.write(`\n${formatStep(result)}\n`);
    }
    // The warm-up's expectation comes first.
    const final = recount(results, expectedByStep.slice(-results.length), targets.mailpush);
    process.stdout.write(`\n=== results (duplicates and late changes recounted at the end) ===\n`);
    for (const result of final) process.stdout.write(`\n${formatStep(result)}\n`);
    process.stdout.write(`\n${formatSummary(final)}\n`);
    if (targets.mailpush !== undefined) await reportReceiver(targets.mailpush);
    writeResults(options, final);
  } finally {
    await cleanups.run();
  }
}

/** The Graph simulator over https (its own CA, written where graph-receiver reads it) with one app registered. */
async function startGraph(cleanups: Cleanups): Promise<{ simulator: GraphSimulator; app: GraphApp; caPath: string }> {
  const ca = await SandboxCertificateAuthority.create();
  const dir = mkdtempSync(join(tmpdir(), 'mailpush-bench-graph-'));
  cleanups.add('temp dir', () => rmSync(dir, { recursive: true, force: true }));
  const caPath = join(dir, 'ca.pem');
  writeFileSync(caPath, ca.caPem);
  const simulator = await GraphSimulator.start({
    ca,
    webhookCaPem: ca.caPem,
    autoCreateMailboxes: true,
    notificationTimeoutMs: DEADLINE_MS,
  });
  cleanups.add('Graph simulator', () => simulator.close());
  const app = {
    tenantId: simulator.tenantId,
    clientId: randomUUID(),
    clientSecret: randomBytes(24).toString('base64url'),
  };
  simulator.registerApp(app);
  return { simulator, app, caPath };
}

/** One rate: mailpush first (then waiting for its mail changes), then the bare server, each for `seconds`. */
async function runStep(
  simulator: GraphSimulator,
  targets: Targets,
  rate: number,
  seconds: number,
  options: Options,
): Promise<StepResult> {
  const expected = new Set<string>();
  let mailpush: TargetStep | undefined;
  if (targets.mailpush !== undefined) {
    const target = targets.mailpush;
    const { step, endedAt } = await measure(simulator, 'mailpush', target, rate, seconds, options, (user, id) => {
      const changeId = target.changeIdOf(user, id);
      expected.add(changeId);
      target.changes.expect(changeId);
    });
    const drain = await target.changes.drain(
      expected.size,
      endedAt,
      options.drainSeconds * 1000 - (Date.now() - endedAt),
    );
    const { duplicates } = target.changes.deliveriesOf(expected);
    mailpush = {
      ...step,
      changes: { ...drain, lost: drain.expected - drain.unique, late: 0, duplicates },
    };
    await pause();
  }
  const bare =
    targets.bare === undefined
      ? undefined
      : (await measure(simulator, 'bare', targets.bare, rate, seconds, options)).step;
  if (bare !== undefined) await pause();
  const result: StepResult = {
    offeredPerSecond: rate,
    seconds,
    ...(mailpush === undefined ? {} : { mailpush }),
    ...(bare === undefined ? {} : { bare }),
  };
  expectedByStep.push(expected);
  return result;
}

/** Delivers mail to one target's users at `rate` and reads what the simulator's POSTs saw. */
async function measure(
  simulator: GraphSimulator,
  name: Target,
  target: BenchTarget,
  rate: number,
  seconds: number,
  options: Options,
  onDelivered?: (user: string, messageId: string) => void,
): Promise<{ step: TargetStep; endedAt: number }> {
  simulator.clearRecords();
  const before = await target.sample();
  const cpuBefore = readCpu(before.cpuSeconds);
  const benchDelay = monitorEventLoopDelay({ resolution: 10 });
  benchDelay.enable();
  const run = await deliverAtRate(rate, seconds, target.users, (user, sequence) => {
    const message = simulator.deliverMail(user, { subject: `bench ${rate}/s #${sequence}`, from: SENDER });
    onDelivered?.(user, message.id);
  });
  benchDelay.disable();
  const during = await target.sample();
  const cpu = cpuShares(cpuBefore, readCpu(during.cpuSeconds));
  await simulator.notificationsSettled();
  const after = await target.sample();
  const posts = simulator
    .notificationPosts()
    .filter((post) => post.kind === 'change' && post.url === target.notificationUrl);
  simulator.clearRecords();
  if (options.dump !== undefined) dumpPosts(options.dump, `${name}-${rate}-${run.startedAt}.csv`, posts, run.startedAt);
  const stats = postStats(posts, { startedAt: run.startedAt, seconds, deadlineMs: DEADLINE_MS });
  return {
    step: {
      target: name,
      offeredPerSecond: rate,
      delivered: run.delivered,
      stats,
      cpu,
      serverMeanMs: serverMeanMs(before, after),
      loopDelay: { p99Ms: during.loopDelayP99Ms, maxMs: during.loopDelayMaxMs },
      benchLoopDelay: { p99Ms: benchDelay.percentile(99) / 1e6, maxMs: benchDelay.max / 1e6 },
    },
    endedAt: run.endedAt,
  };
}

/** One line per POST: ms since the step started, attempt, items, status, response time. */
function dumpPosts(folder: string, file: string, posts: readonly NotificationPost[], startedAt: number): void {
  mkdirSync(folder, { recursive: true });
  const lines = posts.map(
    (post) =>
      `${post.at.getTime() - startedAt},${post.attempt},${post.body.value.length},${post.status},${post.responseTimeMs}`,
  );
  writeFileSync(join(folder, file), `at_ms,attempt,items,status,response_ms\n${lines.join('\n')}\n`);
}

function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
}

/**
 * Duplicates can arrive after a step was reported (a redelivery, a catch-up): count them over again. Changes
 * that came after the drain wait stay lost for the step, and are shown as late.
 */
function recount(
  results: readonly StepResult[],
  expected: readonly Set<string>[],
  mailpush: MailpushTarget | undefined,
): StepResult[] {
  if (mailpush === undefined) return [...results];
  return results.map((result, index) => {
    const changes = result.mailpush?.changes;
    if (result.mailpush === undefined || changes === undefined) return result;
    const { unique, duplicates } = mailpush.changes.deliveriesOf(expected[index] ?? []);
    return {
      ...result,
      mailpush: { ...result.mailpush, changes: { ...changes, late: unique - changes.unique, duplicates } },
    };
  });
}

/** Mail changes nobody expected, graph-receiver's Graph metrics and what it logged. */
async function reportReceiver(mailpush: MailpushTarget): Promise<void> {
  const all = new Set<string>();
  for (const expected of expectedByStep) for (const id of expected) all.add(id);
  const unexpected = mailpush.changes.unexpected(all);
  process.stdout.write(
    `\nmail changes not matching a delivered mail (warm-up included): ${unexpected.ids}` +
      `${unexpected.sample === undefined ? '' : `, e.g. ${unexpected.sample}`}\n`,
  );
  const metrics = await mailpush.graphMetrics().catch((error: unknown) => [`(no metrics: ${String(error)})`]);
  process.stdout.write(`\ngraph-receiver /metrics (Graph and lease lines):\n${metrics.join('\n')}\n`);
  const logs = mailpush.logs
    .trim()
    .split('\n')
    .filter((line) => line !== '');
  process.stdout.write(
    `\ngraph-receiver logged ${logs.length} line(s) at warn or above${logs.length > 0 ? '; the last 20:' : ''}\n` +
      `${logs.slice(-20).join('\n')}\n`,
  );
}

/** To results/latest.json when git ignores that folder; otherwise the output above is the record. */
function writeResults(options: Options, results: readonly StepResult[]): void {
  const path = relative(workspaceRoot, RESULTS_PATH);
  let ignored = false;
  try {
    execFileSync('git', ['check-ignore', '-q', path], { cwd: workspaceRoot });
    ignored = true;
  } catch {
    ignored = false;
  }
  if (!ignored) {
    process.stdout.write(`\n(results not written: ${dirname(path)} is not ignored by git)\n`);
    return;
  }
  mkdirSync(dirname(RESULTS_PATH), { recursive: true });
  const record = { at: new Date().toISOString(), cpus: cpus().length, options, results };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`\nresults written to ${path}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

/** What the benchmark is asked to do, from `--name=value` arguments. */
export interface Options {
  /** Offered notification rates (per second), in the order they are run. */
  readonly steps: readonly number[];
  readonly stepSeconds: number;
  /** Mailboxes (Graph users) per target; the load is spread round-robin over them. */
  readonly mailboxes: number;
  /** Run one target only. */
  readonly only: Target | undefined;
  /** How long to wait after a step for mailpush's mail changes to arrive. */
  readonly drainSeconds: number;
  /** A short unreported step before the first, so both targets start warm (JIT, connections, caches). */
  readonly warmupSeconds: number;
  /** A folder for one CSV per target and step with every POST (time, attempt, items, status, response time). */
  readonly dump: string | undefined;
  /** A folder for graph-receiver's CPU profile (`node --cpu-prof`), written when it stops. */
  readonly profile: string | undefined;
}

export type Target = 'mailpush' | 'bare';

export const USAGE =
  'npm run bench:graph-webhook -- [--steps=250,500,1000,2000,3000,4000] [--step-seconds=30] [--mailboxes=20] ' +
  '[--only=mailpush|bare] [--drain-seconds=120] [--warmup-seconds=3] [--dump=<folder>] [--profile=<folder>]';

const KNOWN = ['steps', 'step-seconds', 'mailboxes', 'only', 'drain-seconds', 'warmup-seconds', 'dump', 'profile'];

export function parseOptions(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (match?.[1] === undefined || !KNOWN.includes(match[1])) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    values.set(match[1], match[2] ?? '');
  }
  const positive = (name: string, fallback: string, integer = true): number => {
    const value = Number(values.get(name) ?? fallback);
    if (!(value > 0) || (integer && !Number.isInteger(value))) {
      throw new Error(`--${name}: must be a positive ${integer ? 'whole ' : ''}number (got ${values.get(name)})`);
    }
    return value;
  };
  const nonNegative = (name: string, fallback: string): number => {
    const value = Number(values.get(name) ?? fallback);
    if (!(value >= 0)) throw new Error(`--${name}: must be 0 or more (got ${values.get(name)})`);
    return value;
  };
  const steps = (values.get('steps') ?? '250,500,1000,2000,3000,4000').split(',').map(Number);
  if (steps.length === 0 || steps.some((rate) => !(rate > 0))) {
    throw new Error(`--steps: must be positive rates separated by commas (got ${values.get('steps')})`);
  }
  const only = values.get('only');
  if (only !== undefined && only !== 'mailpush' && only !== 'bare') {
    throw new Error(`--only: must be mailpush or bare (got ${only})`);
  }
  return {
    steps,
    stepSeconds: positive('step-seconds', '30', false),
    mailboxes: positive('mailboxes', '20'),
    only,
    drainSeconds: positive('drain-seconds', '120', false),
    warmupSeconds: nonNegative('warmup-seconds', '3'),
    dump: values.get('dump'),
    profile: values.get('profile'),
  };
}

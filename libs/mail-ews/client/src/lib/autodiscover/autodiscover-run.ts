import { EwsError, type EwsConnection } from '../ews-api.port';
import type { EwsHttp, EwsHttpResponse } from '../http/ews-http.port';
import { present, type AutodiscoverAnswer } from './autodiscover-answer';
import {
  domainOf,
  httpRedirectProbeUrl,
  httpsCandidates,
  protocolOfUrl,
  srvCandidates,
  srvName,
  type AutodiscoverCandidate,
  type AutodiscoverProtocol,
} from './autodiscover-candidates';
import { AutodiscoverError, type AutodiscoverOverrides, type AutodiscoverResult } from './autodiscover.port';
import { getUserSettingsRequest } from './get-user-settings.request';
import { readGetUserSettingsResponse } from './get-user-settings.response';
import { poxRequest } from './pox.request';
import { readPoxResponse } from './pox.response';
import type { SrvResolver } from './srv-resolver.port';

/** "The client application should stop redirecting after 10 redirects" (MS-EWSREF:action-pox). */
export const MAX_AUTODISCOVER_REDIRECTS = 10;
/** Statuses whose `Location` is worth resending to (after validation); 307/308 mean the same for a POST. */
const REDIRECT_STATUSES = new Set([301, 302, 307, 308]);
const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

export interface AutodiscoverRunDeps {
  readonly http: EwsHttp;
  readonly srv: SrvResolver;
  readonly requestTimeoutMs: number;
}

type Settings = Extract<AutodiscoverAnswer, { kind: 'settings' }>;
/** An endpoint gave settings. */
interface Found {
  readonly kind: 'found';
  readonly settings: Settings;
  readonly url: string;
  readonly protocol: AutodiscoverProtocol;
}
/** An endpoint said the mailbox is known under another address (`RedirectAddress`, `redirectAddr`). */
interface Moved {
  readonly kind: 'moved';
  readonly address: string;
}
type Step = Found | Moved | { readonly kind: 'failed' } | { readonly kind: 'redirect'; readonly location: string };

const FAILED: Step = { kind: 'failed' };

/**
 * One `discover`: walks the candidates for an address, follows redirects with one budget for the whole run, and
 * remembers what each endpoint answered. Used once, then dropped.
 */
export class AutodiscoverRun {
  private redirects = 0;
  private readonly attempts: string[] = [];
  /** Addresses asked so far: a `RedirectAddress` back to one of them is a loop. */
  private readonly addresses = new Set<string>();
  /**
   * URLs asked for the current address: `failed` ones are not asked again, and reaching a `redirected` one again
   * (it sent us on, and the same redirect chain came back to it) is a loop.
   */
  private tried = new Map<string, 'failed' | 'redirected'>();
  private refusedCredentials = false;
  /** Some endpoint answered with an Autodiscover document (so a 401 elsewhere is not the whole story). */
  private answered = false;

  constructor(
    private readonly deps: AutodiscoverRunDeps,
    private readonly connection: EwsConnection,
    private readonly overrides: AutodiscoverOverrides,
  ) {}

  async discover(smtpAddress: string): Promise<AutodiscoverResult> {
    const home = domainOf(smtpAddress);
    if (home === undefined) throw new AutodiscoverError('invalid-user', `'${smtpAddress}' is not an SMTP address`);
    let address = smtpAddress;
    for (;;) {
      this.addresses.add(address);
      this.tried = new Map();
      // Overrides describe where the configured organisation's Autodiscover lives; another domain has its own.
      const outcome = await this.walk(address, domainOf(address) === home);
      if (outcome.kind === 'found') return resultOf(address, outcome);
      if (this.addresses.has(outcome.address)) {
        throw this.error('redirect-limit', `RedirectAddress loop: ${address} → ${outcome.address}, asked before`);
      }
      this.countRedirect(`RedirectAddress ${address} → ${outcome.address}`);
      address = outcome.address;
    }
  }

  private async walk(address: string, home: boolean): Promise<Found | Moved> {
    const configured = home ? this.overrides.autodiscoverUrl : undefined;
    if (configured !== undefined && configured !== '') {
      const url = parseUrl(configured);
      if (url === undefined)
        throw this.error('not-found', `the configured Autodiscover URL '${configured}' is not a URL`);
      return (
        (await this.ask(address, { url: url.href, protocol: protocolOfUrl(url) ?? 'soap' })) ?? this.failure(address)
      );
    }
    const domain = (home ? present(this.overrides.domain)?.toLowerCase() : undefined) ?? domainOf(address) ?? '';
    for (const candidate of httpsCandidates(domain)) {
      const outcome = await this.ask(address, candidate);
      if (outcome !== undefined) return outcome;
    }
    const probed = await this.probe(address, domain);
    if (probed !== undefined) return probed;
    for (const candidate of await this.srvCandidates(domain)) {
      const outcome = await this.ask(address, candidate);
      if (outcome !== undefined) return outcome;
    }
    return this.failure(address);
  }

  /** Asks one endpoint, following its redirects; `undefined` when it led nowhere (try the next candidate). */
  private async ask(address: string, candidate: AutodiscoverCandidate): Promise<Found | Moved | undefined> {
    let { protocol } = candidate;
    let url = parseUrl(candidate.url)?.href ?? candidate.url;
    if (this.tried.has(url)) {
      this.note(`${url}: already asked for ${address}; skipped`);
      return undefined;
    }
    const chain: string[] = [];
    try {
      for (;;) {
        this.tried.set(url, 'failed');
        const step = await this.post(address, url, protocol);
        if (step.kind === 'failed') return undefined;
        if (step.kind !== 'redirect') return step;
        this.tried.set(url, 'redirected');
        chain.push(url);
        const next = this.redirectTo(address, url, step.location);
        if (next === undefined) return undefined;
        url = next.href;
        protocol = protocolOfUrl(next) ?? protocol;
      }
    } finally {
      // The chain is over: reaching one of its URLs from another candidate is no loop, just a known failure.
      for (const asked of chain) this.tried.set(asked, 'failed');
    }
  }

  private async post(address: string, url: string, protocol: AutodiscoverProtocol): Promise<Step> {
    const label = `POST ${url} (${protocol === 'soap' ? 'SOAP' : 'POX'})`;
    let response: EwsHttpResponse;
    try {
      response = await this.deps.http.send(this.connection, {
        url,
        method: 'POST',
        headers: { 'content-type': XML_CONTENT_TYPE },
        body: protocol === 'soap' ? getUserSettingsRequest(url, address) : poxRequest(address),
        authenticate: true,
        timeoutMs: this.deps.requestTimeoutMs,
      });
    } catch (error) {
      // The transport may report a refused sign-in (401 after the NTLM handshake or a token refresh) as an error.
      if (error instanceof EwsError && error.kind === 'auth') {
        this.refusedCredentials = true;
        this.note(`${label}: credentials refused (${error.message})`);
      } else {
        this.note(`${label}: ${describe(error)}`);
      }
      return FAILED;
    }
    if (REDIRECT_STATUSES.has(response.status)) {
      const location = header(response, 'location');
      this.note(`${label}: HTTP ${response.status}${location === undefined ? ' without Location' : ` → ${location}`}`);
      return location === undefined ? FAILED : { kind: 'redirect', location };
    }
    if (response.status === 401) {
      this.refusedCredentials = true;
      this.note(`${label}: credentials refused (HTTP 401)`);
      return FAILED;
    }
    if (response.status !== 200) {
      this.note(`${label}: HTTP ${response.status}`);
      return FAILED;
    }
    const answer = protocol === 'soap' ? readGetUserSettingsResponse(response.body) : readPoxResponse(response.body);
    return this.stepOf(address, url, protocol, label, answer);
  }

  private stepOf(
    address: string,
    url: string,
    protocol: AutodiscoverProtocol,
    label: string,
    answer: AutodiscoverAnswer,
  ): Step {
    this.answered ||= answer.kind !== 'unusable' || answer.autodiscover;
    switch (answer.kind) {
      case 'settings':
        this.note(`${label}: settings, EWS ${answer.ewsUrl}`);
        return { kind: 'found', settings: answer, url, protocol };
      case 'redirect-url':
        this.note(`${label}: RedirectUrl → ${answer.target}`);
        return { kind: 'redirect', location: answer.target };
      case 'redirect-address': {
        const target = answer.target.toLowerCase();
        if (domainOf(target) === undefined || target === address) {
          this.note(`${label}: RedirectAddress to '${answer.target}' not used (not another address)`);
          return FAILED;
        }
        this.note(`${label}: RedirectAddress → ${target}`);
        return { kind: 'moved', address: target };
      }
      case 'invalid-user':
        this.note(`${label}: ${answer.detail}`);
        throw this.error('invalid-user', `${address} is unknown to Exchange (${url}: ${answer.detail})`);
      case 'unusable':
        this.note(`${label}: ${answer.detail}`);
        return FAILED;
    }
  }

  /** The unauthenticated `GET http://autodiscover.<domain>/…`: only a redirect to HTTPS is of use. */
  private async probe(address: string, domain: string): Promise<Found | Moved | undefined> {
    const url = httpRedirectProbeUrl(domain);
    const label = `GET ${url}`;
    let response: EwsHttpResponse;
    try {
      response = await this.deps.http.send(this.connection, {
        url,
        method: 'GET',
        authenticate: false,
        timeoutMs: this.deps.requestTimeoutMs,
      });
    } catch (error) {
      this.note(`${label}: ${describe(error)}`);
      return undefined;
    }
    const location = header(response, 'location');
    if (!REDIRECT_STATUSES.has(response.status) || location === undefined) {
      this.note(`${label}: HTTP ${response.status}, not a redirect; not used`);
      return undefined;
    }
    this.note(`${label}: HTTP ${response.status} → ${location}`);
    const next = this.redirectTo(address, url, location);
    // The GET asked for autodiscover.xml, so POX unless the redirect names the SOAP endpoint.
    return next === undefined
      ? undefined
      : this.ask(address, { url: next.href, protocol: protocolOfUrl(next) ?? 'pox' });
  }

  /**
   * Validates a redirect (HTTPS only, not an endpoint that already failed for this address, not a loop) and
   * counts it; `undefined` when it is not to be followed, so the next candidate is tried.
   */
  private redirectTo(address: string, from: string, location: string): URL | undefined {
    const next = parseUrl(location, from);
    if (next === undefined) {
      this.note(`redirect to '${location}' not followed: not a URL`);
      return undefined;
    }
    if (next.protocol !== 'https:') {
      this.note(`redirect to ${next.href} not followed: not https`);
      return undefined;
    }
    const state = this.tried.get(next.href);
    if (state === 'redirected')
      throw this.error('redirect-limit', `redirect loop: ${from} → ${next.href}, asked before`);
    if (state === 'failed') {
      this.note(`redirect to ${next.href} not followed: it already failed for ${address}`);
      return undefined;
    }
    this.countRedirect(`${from} → ${next.href}`);
    return next;
  }

  private countRedirect(what: string): void {
    if (this.redirects >= MAX_AUTODISCOVER_REDIRECTS) {
      throw this.error(
        'redirect-limit',
        `more than ${MAX_AUTODISCOVER_REDIRECTS} Autodiscover redirects (then ${what})`,
      );
    }
    this.redirects += 1;
  }

  private async srvCandidates(domain: string): Promise<AutodiscoverCandidate[]> {
    const name = srvName(domain);
    try {
      const candidates = srvCandidates(await this.deps.srv.resolveSrv(name));
      this.note(`SRV ${name}: ${candidates.length === 0 ? 'no records' : candidates.map((c) => c.url).join(', ')}`);
      return candidates;
    } catch (error) {
      this.note(`SRV ${name}: ${describe(error)}`);
      return [];
    }
  }

  /** Nothing answered with settings: `auth` when a 401 is all any Autodiscover server said. */
  private failure(address: string): never {
    if (this.refusedCredentials && !this.answered) {
      throw this.error('auth', `Autodiscover for ${address}: the credentials were refused (HTTP 401)`);
    }
    throw this.error('not-found', `Autodiscover found no EWS settings for ${address}`);
  }

  private error(kind: AutodiscoverError['kind'], message: string): AutodiscoverError {
    return new AutodiscoverError(kind, message, [...this.attempts]);
  }

  private note(attempt: string): void {
    this.attempts.push(attempt);
  }
}

function resultOf(address: string, found: Found): AutodiscoverResult {
  const { ewsUrl, externalEwsUrl, internalEwsUrl, groupingInformation } = found.settings;
  return {
    smtpAddress: address,
    ewsUrl,
    ...(externalEwsUrl === undefined ? {} : { externalEwsUrl }),
    ...(internalEwsUrl === undefined ? {} : { internalEwsUrl }),
    groupingInformation,
    answeredBy: found.url,
    protocol: found.protocol,
  };
}

function header(response: EwsHttpResponse, name: string): string | undefined {
  return present(response.headers[name]?.[0]);
}

function parseUrl(text: string, base?: string): URL | undefined {
  try {
    const url = new URL(text, base);
    url.hash = '';
    return url;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

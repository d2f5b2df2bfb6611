import type { SrvRecord } from './srv-resolver.port';

export type AutodiscoverProtocol = 'soap' | 'pox';

/** One endpoint to ask, and how. */
export interface AutodiscoverCandidate {
  readonly url: string;
  readonly protocol: AutodiscoverProtocol;
}

const SOAP_PATH = '/autodiscover/autodiscover.svc';
const POX_PATH = '/autodiscover/autodiscover.xml';

/**
 * The HTTPS endpoints for `domain`, in the order Microsoft documents: SOAP on the domain, then on
 * `autodiscover.<domain>`, then POX on both (Exchange 2007 has no SOAP Autodiscover).
 */
export function httpsCandidates(domain: string): AutodiscoverCandidate[] {
  const hosts = [domain, `autodiscover.${domain}`];
  return [
    ...hosts.map((host): AutodiscoverCandidate => ({ url: `https://${host}${SOAP_PATH}`, protocol: 'soap' })),
    ...hosts.map((host): AutodiscoverCandidate => ({ url: `https://${host}${POX_PATH}`, protocol: 'pox' })),
  ];
}

/** The unauthenticated plain-HTTP GET whose only use is a redirect to an HTTPS endpoint. */
export function httpRedirectProbeUrl(domain: string): string {
  return `http://autodiscover.${domain}${POX_PATH}`;
}

export function srvName(domain: string): string {
  return `_autodiscover._tcp.${domain}`;
}

/** SOAP endpoints of the SRV targets, best first: lowest priority number, then highest weight; HTTPS only. */
export function srvCandidates(records: readonly SrvRecord[]): AutodiscoverCandidate[] {
  return [...records]
    .filter((record) => record.name.replace(/\.$/, '') !== '')
    .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
    .map((record) => {
      const host = record.name.replace(/\.$/, '').toLowerCase();
      const port = record.port === 443 ? '' : `:${record.port}`;
      return { url: `https://${host}${port}${SOAP_PATH}`, protocol: 'soap' };
    });
}

/** `soap` for `….svc`, `pox` for `….xml`, else `undefined` (keep what was being asked). */
export function protocolOfUrl(url: URL): AutodiscoverProtocol | undefined {
  const path = url.pathname.toLowerCase();
  if (path.endsWith('.svc')) return 'soap';
  if (path.endsWith('.xml')) return 'pox';
  return undefined;
}

/** The domain part of an SMTP address, lower case; `undefined` when it is not an address. */
export function domainOf(smtpAddress: string): string | undefined {
  const at = smtpAddress.lastIndexOf('@');
  const domain =
    at < 1
      ? ''
      : smtpAddress
          .slice(at + 1)
          .trim()
          .toLowerCase();
  return domain === '' ? undefined : domain;
}

/** Hosts of Exchange Online's EWS: worldwide, GCC High / DoD (`.us`) and 21Vianet (`partner.outlook.cn`). */
const EXCHANGE_ONLINE_HOSTS = new Set([
  'outlook.office365.com',
  'outlook.office.com',
  'outlook.office365.us',
  'partner.outlook.cn',
]);

/**
 * Whether an EWS URL is Exchange Online rather than an on-premises server. In a hybrid organisation
 * Autodiscover sends migrated mailboxes there; the watcher hands those to Graph instead of EWS.
 */
export function isExchangeOnline(ewsUrl: string): boolean {
  let host: string;
  try {
    host = new URL(ewsUrl).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return false;
  }
  return EXCHANGE_ONLINE_HOSTS.has(host) || host.endsWith('.outlook.com');
}

import {
  domainOf,
  httpRedirectProbeUrl,
  httpsCandidates,
  protocolOfUrl,
  srvCandidates,
} from './autodiscover-candidates';

describe('Autodiscover candidates', () => {
  it('lists SOAP on the domain and autodiscover.<domain>, then POX on both', () => {
    expect(httpsCandidates('contoso.com')).toEqual([
      { url: 'https://contoso.com/autodiscover/autodiscover.svc', protocol: 'soap' },
      { url: 'https://autodiscover.contoso.com/autodiscover/autodiscover.svc', protocol: 'soap' },
      { url: 'https://contoso.com/autodiscover/autodiscover.xml', protocol: 'pox' },
      { url: 'https://autodiscover.contoso.com/autodiscover/autodiscover.xml', protocol: 'pox' },
    ]);
    expect(httpRedirectProbeUrl('contoso.com')).toBe('http://autodiscover.contoso.com/autodiscover/autodiscover.xml');
  });

  it('orders SRV targets by lowest priority, then highest weight, all over https', () => {
    const sut = srvCandidates([
      { name: 'c.contoso.com.', port: 443, priority: 10, weight: 5 },
      { name: 'a.contoso.com', port: 8443, priority: 0, weight: 1 },
      { name: 'b.contoso.com', port: 443, priority: 0, weight: 50 },
      { name: '.', port: 443, priority: 0, weight: 100 },
    ]);

    expect(sut.map((candidate) => candidate.url)).toEqual([
      'https://b.contoso.com/autodiscover/autodiscover.svc',
      'https://a.contoso.com:8443/autodiscover/autodiscover.svc',
      'https://c.contoso.com/autodiscover/autodiscover.svc',
    ]);
    expect(sut.every((candidate) => candidate.protocol === 'soap')).toBe(true);
  });

  it('tells SOAP from POX by the path', () => {
    expect(protocolOfUrl(new URL('https://x/Autodiscover/Autodiscover.SVC'))).toBe('soap');
    expect(protocolOfUrl(new URL('https://x/autodiscover/autodiscover.xml'))).toBe('pox');
    expect(protocolOfUrl(new URL('https://x/somewhere'))).toBeUndefined();
  });

  it('takes the domain of an address', () => {
    expect(domainOf('Mara@Contoso.COM')).toBe('contoso.com');
    expect(domainOf('"a@b"@fabrikam.com')).toBe('fabrikam.com');
    expect(domainOf('mara')).toBeUndefined();
    expect(domainOf('@contoso.com')).toBeUndefined();
    expect(domainOf('mara@')).toBeUndefined();
  });
});

import { isExchangeOnline } from './is-exchange-online';

describe(isExchangeOnline.name, () => {
  it.each([
    'https://outlook.office365.com/EWS/Exchange.asmx',
    'https://OUTLOOK.OFFICE.COM/EWS/Exchange.asmx',
    'https://nam12.outlook.com/EWS/Exchange.asmx',
    'https://outlook.office365.us/EWS/Exchange.asmx',
    'https://partner.outlook.cn/EWS/Exchange.asmx',
  ])('says %s is Exchange Online', (url) => {
    expect(isExchangeOnline(url)).toBe(true);
  });

  it.each([
    'https://mail.contoso.com/EWS/Exchange.asmx',
    'https://outlook.contoso.com/EWS/Exchange.asmx',
    'https://outlook.com.contoso.com/EWS/Exchange.asmx',
    'https://evil-outlook.com/EWS/Exchange.asmx',
    'not a url',
  ])('says %s is not', (url) => {
    expect(isExchangeOnline(url)).toBe(false);
  });
});

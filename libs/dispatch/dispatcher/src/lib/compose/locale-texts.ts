/** The generic texts of a push, in one language. `{n}` is replaced by the formatted count. */
interface GenericTexts {
  /** Title when the preview hides the sender. */
  readonly newMail: string;
  /** Body when the preview shows the sender only. */
  readonly newMessage: string;
  /** Body of a `full` preview of a message without a subject. */
  readonly noSubject: string;
  /** "3 new messages", by plural category (`Intl.PluralRules`); `other` is required. */
  readonly newMessages: Readonly<Partial<Record<Intl.LDMLPluralRule, string>>> & { readonly other: string };
}

const TEXTS: Readonly<Record<string, GenericTexts>> = {
  en: {
    newMail: 'New mail',
    newMessage: 'New message',
    noSubject: '(no subject)',
    newMessages: { one: '{n} new message', other: '{n} new messages' },
  },
  de: {
    newMail: 'Neue E-Mail',
    newMessage: 'Neue Nachricht',
    noSubject: '(kein Betreff)',
    newMessages: { one: '{n} neue Nachricht', other: '{n} neue Nachrichten' },
  },
  fr: {
    newMail: 'Nouveau courriel',
    newMessage: 'Nouveau message',
    noSubject: '(sans objet)',
    newMessages: { one: '{n} nouveau message', many: '{n} nouveaux messages', other: '{n} nouveaux messages' },
  },
  es: {
    newMail: 'Correo nuevo',
    newMessage: 'Mensaje nuevo',
    noSubject: '(sin asunto)',
    newMessages: { one: '{n} mensaje nuevo', many: '{n} mensajes nuevos', other: '{n} mensajes nuevos' },
  },
  it: {
    newMail: 'Nuova e-mail',
    newMessage: 'Nuovo messaggio',
    noSubject: '(nessun oggetto)',
    newMessages: { one: '{n} nuovo messaggio', many: '{n} nuovi messaggi', other: '{n} nuovi messaggi' },
  },
  nl: {
    newMail: 'Nieuwe e-mail',
    newMessage: 'Nieuw bericht',
    noSubject: '(geen onderwerp)',
    newMessages: { one: '{n} nieuw bericht', other: '{n} nieuwe berichten' },
  },
  pt: {
    newMail: 'Novo e-mail',
    newMessage: 'Nova mensagem',
    noSubject: '(sem assunto)',
    newMessages: { one: '{n} nova mensagem', many: '{n} novas mensagens', other: '{n} novas mensagens' },
  },
  ja: {
    newMail: '新着メール',
    newMessage: '新着メッセージ',
    noSubject: '(件名なし)',
    newMessages: { other: '新着メッセージ {n} 件' },
  },
  zh: {
    newMail: '新邮件',
    newMessage: '新消息',
    noSubject: '(无主题)',
    newMessages: { other: '{n} 封新邮件' },
  },
};

export const FALLBACK_LANGUAGE = 'en';
export const SUPPORTED_LANGUAGES: readonly string[] = Object.keys(TEXTS);

/** The generic texts for a device locale (`de-CH`, `pt_BR`, `zh-Hans-CN`), English when not translated. */
export class LocaleTexts {
  readonly language: string;
  private readonly texts: GenericTexts;
  private readonly plural: Intl.PluralRules;
  private readonly numbers: Intl.NumberFormat;

  private constructor(language: string, texts: GenericTexts) {
    this.language = language;
    this.texts = texts;
    this.plural = new Intl.PluralRules(language);
    this.numbers = new Intl.NumberFormat(language);
  }

  private static readonly cache = new Map<string, LocaleTexts>();

  static for(locale: string | undefined): LocaleTexts {
    const language = languageOf(locale);
    let texts = LocaleTexts.cache.get(language);
    if (texts === undefined) {
      texts = new LocaleTexts(language, TEXTS[language] ?? (TEXTS[FALLBACK_LANGUAGE] as GenericTexts));
      LocaleTexts.cache.set(language, texts);
    }
    return texts;
  }

  get newMail(): string {
    return this.texts.newMail;
  }

  get newMessage(): string {
    return this.texts.newMessage;
  }

  get noSubject(): string {
    return this.texts.noSubject;
  }

  /** "3 new messages" with the language's plural form and digits grouping. */
  newMessages(count: number): string {
    const template = this.texts.newMessages[this.plural.select(count)] ?? this.texts.newMessages.other;
    return template.replace('{n}', this.numbers.format(count));
  }
}

function languageOf(locale: string | undefined): string {
  const language = locale?.trim().split(/[-_]/)[0]?.toLowerCase() ?? '';
  return language in TEXTS ? language : FALLBACK_LANGUAGE;
}

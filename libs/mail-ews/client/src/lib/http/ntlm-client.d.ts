/** Types for `@ewsjs/ntlm-client` 3, which ships none: the three NTLM message functions mailpush uses. */
declare module '@ewsjs/ntlm-client' {
  /** A decoded NTLM Type 2 (challenge) message. */
  export interface Type2Message {
    readonly flags: number;
    readonly encoding: 'ascii' | 'ucs2';
    /** 2 when the server negotiated NTLMv2 (NTLM2 session key flag). */
    readonly version: 1 | 2;
    readonly challenge: Buffer;
    readonly targetName: string;
    readonly targetInfo?: { readonly parsed: Readonly<Record<string, string>>; readonly buffer: Buffer };
  }

  /** `NTLM <base64 Type 1>`; the workstation defaults to the host name. */
  export function createType1Message(workstation?: string, target?: string): string;
  /** Reads `NTLM <base64 Type 2>` (or the bare base64); throws on a bad signature or type. */
  export function decodeType2Message(header: string): Type2Message;
  /** `NTLM <base64 Type 3>`; the target defaults to the challenge's target name. */
  export function createType3Message(
    type2: Type2Message,
    username: string,
    password: string,
    workstation?: string,
    target?: string,
  ): string;
}

/** Who is calling, as established from a verified bearer token. */
export interface Caller {
  /** Lower-case SMTP address of the caller's mailbox: the only mailbox this caller can act on. */
  readonly mailbox: string;
}

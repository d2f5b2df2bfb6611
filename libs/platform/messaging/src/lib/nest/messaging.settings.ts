/** What the Nest side of the bus needs beyond the bus itself. */
export class MessagingSettings {
  constructor(
    /** Group of handlers that do not name one: the app's name. */
    readonly defaultGroup: string,
  ) {}
}

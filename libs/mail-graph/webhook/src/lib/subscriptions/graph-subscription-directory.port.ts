/** A subscription of ours: the mailbox it watches and the `clientState` it was created with. */
export interface KnownSubscription {
  readonly mailboxId: string;
  /** Secret: compare it in constant time and never log it. */
  readonly clientState: string;
}

/**
 * Finds the subscription a notification names, so that the webhook can check its `clientState` (Graph sends
 * no credentials: the per-subscription `clientState` is the authentication). Called for every distinct
 * subscription id of every POST, so an adapter answers from memory whenever it can.
 */
export abstract class GraphSubscriptionDirectory {
  /** `undefined` for a subscription that is not ours (or no longer is); rejects when it cannot tell. */
  abstract find(subscriptionId: string): Promise<KnownSubscription | undefined>;
}

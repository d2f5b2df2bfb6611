/**
 * The writes the dispatcher makes to device registrations. Separate from `DeviceRegistrationRepository.update`
 * because that one stamps `updated_at`, which is the "device refreshed its registration" mark the APNs 410
 * rule compares against: recording a push must not move it.
 */
export abstract class RegistrationUpkeep {
  /** `last_push_at = at`, `failure_count = 0` for these registrations; `updated_at` stays. */
  abstract recordPushed(registrationIds: readonly string[], at: Date): Promise<void>;

  /**
   * Marks an active registration `invalid`, unless it was refreshed (`updated_at`) after
   * `unlessRefreshedAfter`. Resolves `false` when nothing changed (refreshed since, no longer active, gone).
   */
  abstract markInvalid(
    mailboxId: string,
    registrationId: string,
    unlessRefreshedAfter: Date | undefined,
  ): Promise<boolean>;

  /** Whether the mailbox still has an active, unexpired registration. */
  abstract hasActiveRegistrations(mailboxId: string, now: Date): Promise<boolean>;
}

export const INVALID_STATUS = 'invalid';

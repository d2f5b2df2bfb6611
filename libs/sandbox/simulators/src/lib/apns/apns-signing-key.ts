/** An APNs token-authentication key as Apple hands it out (the .p8 file) plus what the simulator verifies with. */
export interface ApnsSigningKey {
  /** 10-character key id (`kid`). */
  readonly keyId: string;
  /** 10-character team id (`iss`). */
  readonly teamId: string;
  /** PKCS#8 PEM of the P-256 private key, like a .p8 file. */
  readonly privateKeyPem: string;
  /** SPKI PEM of the public key, for `ApnsSimulator.registerKey`. */
  readonly publicKeyPem: string;
}

export type ApnsVerificationKey = Pick<ApnsSigningKey, 'keyId' | 'teamId' | 'publicKeyPem'>;

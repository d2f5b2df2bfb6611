/** The JSON of a Google service account key file, as the Firebase console downloads it. */
export interface FcmServiceAccountJson {
  readonly type: 'service_account';
  readonly project_id: string;
  readonly private_key_id: string;
  /** PKCS#8 PEM of the RS256 key. */
  readonly private_key: string;
  readonly client_email: string;
  readonly client_id: string;
  readonly auth_uri: string;
  /** The simulator's token endpoint, where the real file has https://oauth2.googleapis.com/token. */
  readonly token_uri: string;
  readonly auth_provider_x509_cert_url: string;
  readonly client_x509_cert_url: string;
  readonly universe_domain: string;
}

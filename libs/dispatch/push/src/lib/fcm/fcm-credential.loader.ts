import { createPrivateKey } from 'node:crypto';
import { cert } from 'firebase-admin/app';
import type { FcmCredential } from '../port/push-credential';
import { normalizePem } from '../support/normalize-pem';
import { PushCredentialError } from '../support/push-credential.error';

const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/**
 * Reads a Google service account key (the JSON downloaded from the Firebase console, as an object or as JSON
 * text) into an `FcmCredential`. Our own checks name the missing field; firebase-admin's `cert()` then applies
 * its own validation, so that a key it would refuse is refused here too. Throws a `PushCredentialError`.
 */
export function loadFcmCredential(json: unknown): FcmCredential {
  const account = asObject(json);
  const type = account['type'];
  if (type !== undefined && type !== 'service_account') {
    throw new PushCredentialError(
      'type',
      `FCM credential: type must be "service_account", got ${JSON.stringify(type)}`,
    );
  }
  const projectId = requiredString(account, 'project_id');
  const clientEmail = requiredString(account, 'client_email');
  const privateKeyPem = normalizePem(requiredString(account, 'private_key'));
  const privateKeyId = optionalString(account, 'private_key_id');
  const tokenUri = httpUrl(optionalString(account, 'token_uri') ?? GOOGLE_TOKEN_URI, 'token_uri');
  try {
    cert({ projectId, clientEmail, privateKey: privateKeyPem });
  } catch (error) {
    throw new PushCredentialError('private_key', `FCM credential: ${(error as Error).message}`);
  }
  if (createPrivateKey(privateKeyPem).asymmetricKeyType !== 'rsa') {
    throw new PushCredentialError('private_key', 'FCM credential: private_key must be an RSA key (RS256)');
  }
  return { kind: 'fcm', projectId, clientEmail, privateKeyPem, privateKeyId, tokenUri };
}

function asObject(json: unknown): Record<string, unknown> {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      throw new PushCredentialError('serviceAccount', 'FCM credential: the service account is not valid JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PushCredentialError('serviceAccount', 'FCM credential: the service account must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function requiredString(account: Record<string, unknown>, field: string): string {
  const value = optionalString(account, field);
  if (value === undefined) {
    throw new PushCredentialError(field, `FCM credential: the service account has no "${field}"`);
  }
  return value;
}

function optionalString(account: Record<string, unknown>, field: string): string | undefined {
  const value = account[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new PushCredentialError(field, `FCM credential: "${field}" must be a string`);
  return value.trim() || undefined;
}

function httpUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PushCredentialError(field, `FCM credential: "${field}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PushCredentialError(field, `FCM credential: "${field}" must be an http(s) URL`);
  }
  return value;
}

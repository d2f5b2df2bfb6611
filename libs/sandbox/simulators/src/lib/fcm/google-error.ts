import { FCM_ERRORS, type FcmErrorCode } from './fcm-script';

const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';
const BAD_REQUEST_TYPE = 'type.googleapis.com/google.rpc.BadRequest';
const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';
const SEE_CONSOLE = 'See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** A Google API error: `{"error":{"code","message","status","details"}}` and the HTTP status it travels with. */
export interface GoogleErrorAnswer {
  readonly httpStatus: number;
  /** What the record calls it: the FcmError `errorCode` when there is one, else the Google `status`. */
  readonly errorCode: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: {
    readonly error: { code: number; message: string; status: string; details: readonly Record<string, unknown>[] };
  };
}

function answer(
  httpStatus: number,
  status: string,
  message: string,
  details: readonly Record<string, unknown>[],
  errorCode: string = status,
  headers: Readonly<Record<string, string>> = {},
): GoogleErrorAnswer {
  return { httpStatus, errorCode, headers, body: { error: { code: httpStatus, message, status, details } } };
}

/** An error FCM itself raises, carrying its FcmError detail (the shape of protocols.md section 5). */
export function fcmError(errorCode: FcmErrorCode, message?: string, field?: string): GoogleErrorAnswer {
  const known = FCM_ERRORS[errorCode];
  const text = message ?? known.message;
  const details: Record<string, unknown>[] = [];
  if (field !== undefined) {
    details.push({ '@type': BAD_REQUEST_TYPE, fieldViolations: [{ field, description: text }] });
  }
  details.push({ '@type': FCM_ERROR_TYPE, errorCode });
  return answer(known.httpStatus, known.status, text, details, errorCode);
}

/**
 * A request Google's API layer rejects before FCM sees it (JSON that does not fit the proto: unknown field,
 * wrong type). These carry only a BadRequest detail, no FcmError, so a client must also read `status`.
 */
export function protoError(field: string | undefined, description: string): GoogleErrorAnswer {
  const violation = field === undefined ? { description } : { field, description };
  return answer(400, 'INVALID_ARGUMENT', description, [{ '@type': BAD_REQUEST_TYPE, fieldViolations: [violation] }]);
}

export type UnauthenticatedReason = 'CREDENTIALS_MISSING' | 'ACCESS_TOKEN_EXPIRED' | 'ACCESS_TOKEN_TYPE_UNSUPPORTED';

export function unauthenticated(reason: UnauthenticatedReason): GoogleErrorAnswer {
  const message =
    reason === 'CREDENTIALS_MISSING'
      ? `Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${SEE_CONSOLE}`
      : `Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${SEE_CONSOLE}`;
  return answer(
    401,
    'UNAUTHENTICATED',
    message,
    [{ '@type': ERROR_INFO_TYPE, reason, domain: 'googleapis.com', metadata: { service: 'fcm.googleapis.com' } }],
    'UNAUTHENTICATED',
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  );
}

/** The access token belongs to a service account of another project. */
export function projectPermissionDenied(projectId: string): GoogleErrorAnswer {
  const resource = `projects/${projectId}`;
  return answer(
    403,
    'PERMISSION_DENIED',
    `Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/${resource}' (or it may not exist).`,
    [
      {
        '@type': ERROR_INFO_TYPE,
        reason: 'IAM_PERMISSION_DENIED',
        domain: 'cloudresourcemanager.googleapis.com',
        metadata: { permission: 'cloudmessaging.messages.create', resource },
      },
    ],
  );
}

/** The access token was issued without an FCM scope. */
export function insufficientScopes(): GoogleErrorAnswer {
  return answer(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', [
    { '@type': ERROR_INFO_TYPE, reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com' },
  ]);
}

export function notFound(path: string): GoogleErrorAnswer {
  return answer(404, 'NOT_FOUND', `The requested URL ${path} was not found on this server.`, []);
}

import { z } from 'zod';

/** `POST /mint` (and the control API's `POST /sandbox/oidc/tokens`): who the token is for, and for how long. */
export const MintRequestSchema = z
  .object({
    upn: z.string().min(1, 'must not be empty').optional(),
    email: z.string().min(1, 'must not be empty').optional(),
    preferred_username: z.string().min(1, 'must not be empty').optional(),
    sub: z.string().min(1, 'must not be empty').optional(),
    expiresInSeconds: z.number({ error: 'must be a number' }).int('must be a whole number').optional(),
  })
  .strict()
  .refine((body) => [body.upn, body.email, body.preferred_username, body.sub].some((v) => v !== undefined), {
    message: 'one of upn, email, preferred_username or sub is required',
    path: ['upn'],
  });

export type MintRequest = z.infer<typeof MintRequestSchema>;

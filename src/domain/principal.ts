/**
 * Who is calling: a service (a GATEWAY_TOKENS client), an end user (a verified JSON Web Token)
 * or, on a gateway that runs open, the one anonymous caller. The owner string is what every
 * per-caller record and budget is keyed by (generations, idempotency keys, rate limits,
 * subscriptions, spend).
 */

export type PrincipalKind = 'SERVICE' | 'USER' | 'ANONYMOUS';

export interface Principal {
  /** The owner of what this caller creates: a client name, or `jwt:<issuer>:<subject>`. */
  owner: string;
  kind: PrincipalKind;
  /** When the credential stops being valid (epoch ms); null for credentials that do not expire. */
  expiresAt: number | null;
}

/** The prefix of every end user's owner string; client names cannot contain ':'. */
export const USER_OWNER_PREFIX = 'jwt:';

/**
 * The owner string of an end user. Client names are `[A-Za-z0-9_.-]` only, so the ':' keeps users
 * apart from services, and encoding both parts keeps one issuer's subjects apart from another's
 * (`a:b` + `c` and `a` + `b:c` differ). Both parts must be well-formed Unicode text.
 */
export function userOwner(issuer: string, subject: string): string {
  return `${USER_OWNER_PREFIX}${encodeURIComponent(issuer)}:${encodeURIComponent(subject)}`;
}

/** Whether an owner string names an end user. */
export function isUserOwner(owner: string): boolean {
  return owner.startsWith(USER_OWNER_PREFIX);
}

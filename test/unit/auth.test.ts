import { describe, expect, it } from 'vitest';
import { parseTokens } from '../../src/config.js';
import { createAuthenticator, DEFAULT_CLIENT, type Authenticator } from '../../src/server/auth.js';

/** The owner an authenticator answers for a credential (the function became async and answers a principal). */
async function owner(auth: Authenticator, credential: string | null | undefined): Promise<string | null> {
  return (await auth(credential))?.owner ?? null;
}

const ALICE = 'alice-token-0123456789';
const ALICE_NEW = 'alice-rotated-9876543210';
const BOB = 'bob-token-abcdefghijkl';

describe('createAuthenticator: open gateway (no GATEWAY_TOKENS)', () => {
  it('answers the single default client for any credential, or none', async () => {
    const auth = createAuthenticator(null);
    for (const c of [undefined, null, '', 'Bearer anything', 'garbage']) expect(await owner(auth, c)).toBe(DEFAULT_CLIENT);
  });
});

describe('createAuthenticator: with tokens', () => {
  const auth = createAuthenticator(parseTokens(`alice:${ALICE},alice:${ALICE_NEW},bob:${BOB}`));

  it('accepts "Bearer <token>" and a bare token', async () => {
    expect(await owner(auth, `Bearer ${ALICE}`)).toBe('alice');
    expect(await owner(auth, ALICE)).toBe('alice');
    expect(await owner(auth, `Bearer ${BOB}`)).toBe('bob');
  });

  it('is lenient about the scheme case and surrounding whitespace', async () => {
    expect(await owner(auth, `bearer ${ALICE}`)).toBe('alice');
    expect(await owner(auth, `BEARER   ${ALICE}  `)).toBe('alice');
    expect(await owner(auth, `  ${BOB}\t`)).toBe('bob');
  });

  it('accepts every token of a client (rotation)', async () => {
    expect(await owner(auth, `Bearer ${ALICE_NEW}`)).toBe('alice');
  });

  it.each([
    ['no credential', undefined],
    ['null', null],
    ['empty', ''],
    ['only the scheme', 'Bearer'],
    ['the scheme and spaces', 'Bearer   '],
    ['a wrong token', 'Bearer not-a-real-token-000000'],
    ['a prefix of a token', `Bearer ${ALICE.slice(0, -1)}`],
    ['a token with a suffix', `Bearer ${ALICE}x`],
    ['another scheme', `Basic ${ALICE}`],
    ['two tokens', `Bearer ${ALICE} ${BOB}`],
    ['a token in different case', `Bearer ${ALICE.toUpperCase()}`],
    ['the client name', 'Bearer alice'],
  ])('rejects %s', async (_name, credential) => {
    expect(await auth(credential)).toBeNull();
  });

  it('with an empty token list nobody gets in', async () => {
    const none = createAuthenticator([]);
    expect(await none(`Bearer ${ALICE}`)).toBeNull();
    expect(await none(undefined)).toBeNull();
  });

  it('does not confuse clients whose tokens share a prefix', async () => {
    const a = createAuthenticator([
      { client: 'one', token: 'shared-prefix-000000001' },
      { client: 'two', token: 'shared-prefix-000000002' },
    ]);
    expect(await owner(a, 'Bearer shared-prefix-000000001')).toBe('one');
    expect(await owner(a, 'Bearer shared-prefix-000000002')).toBe('two');
  });
});

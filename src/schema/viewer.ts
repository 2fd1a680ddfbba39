/** The `viewer` query: who the caller is to the gateway, what it has running and spent, its limits. */
import type { PrincipalKind } from '../domain/principal.js';
import type { ViewerSummary } from '../generations/service.js';
import { builder } from './builder.js';

interface ViewerShape extends ViewerSummary {
  id: string;
  kind: PrincipalKind;
}

export const ViewerKindEnum = builder.enumType('ViewerKind', {
  description: 'How the caller signed in.',
  values: {
    ANONYMOUS: { description: 'The gateway runs open (no GATEWAY_TOKENS, no JWT verification): every caller is this one.' },
    SERVICE: { description: 'A service, with a GATEWAY_TOKENS token.' },
    USER: { description: 'An end user, with a JSON Web Token from the configured issuer.' },
  } as const,
});

const ViewerLimitsRef = builder.objectRef<ViewerSummary['limits']>('ViewerLimits').implement({
  description: 'The limits that apply to the caller; each counts per owner (a service, a user).',
  fields: (t) => ({
    maxActiveGenerations: t.exposeInt('maxActiveGenerations', {
      description: 'Generations that may be running at once (MAX_ACTIVE_GENERATIONS).',
    }),
    generatesPerMinute: t.exposeInt('generatesPerMinute', { description: 'Generations that may be started per minute (GENERATE_RATE_PER_MINUTE).' }),
    spendPerDay: t.exposeFloat('spendPerDay', {
      nullable: true,
      description: 'Provider credits that may be spent per rolling 24 hours (SPEND_LIMIT_PER_DAY); null for no limit.',
    }),
  }),
});

const ViewerRef = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'The caller, as the gateway knows it.',
  fields: (t) => ({
    id: t.exposeID('id', {
      description:
        "The owner everything the caller creates is kept under: a service's client name, `jwt:<issuer>:<subject>` for an end user (both URI-encoded), or `default` on an open gateway.",
    }),
    kind: t.field({ type: ViewerKindEnum, description: 'How the caller signed in.', resolve: (v) => v.kind }),
    activeGenerations: t.exposeInt('activeGenerations', { description: "The caller's generations not yet in a terminal status." }),
    spentLast24h: t.exposeFloat('spentLast24h', {
      description:
        "Provider credits the caller's generations created in the last 24 hours cost: the provider's figures, and for generations it has not reported yet their expected cost (failed ones count nothing). What SPEND_LIMIT_PER_DAY is checked against.",
    }),
    limits: t.field({ type: ViewerLimitsRef, description: 'The limits that apply to the caller.', resolve: (v) => v.limits }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    description: 'Who the caller is, what it has running and spent, and the limits that apply.',
    resolve: async (_root, _args, ctx) => ({
      id: ctx.viewer.owner,
      kind: ctx.viewer.kind,
      ...(await ctx.service.viewer(ctx.viewer.owner)),
    }),
  }),
);

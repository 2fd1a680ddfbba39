/** What a generation cost: `VideoGeneration.usage`, from the provider's `meta.usage`. */
import type { Usage } from '../domain/generation.js';
import { builder } from './builder.js';
import { VideoGenerationRef } from './generation.js';

export const UsageRef = builder.objectRef<Usage>('Usage').implement({
  description: "What a generation cost, as the provider reported it (its `meta.usage`); each figure is null when the provider did not give it.",
  fields: (t) => ({
    credits: t.float({
      nullable: true,
      description: "Provider credits charged (`credits_used`): the unit SPEND_LIMIT_PER_DAY and `Viewer.spentLast24h` count in.",
      resolve: (u) => u.creditsUsed,
    }),
    tokens: t.float({ nullable: true, description: 'Tokens used (`tokens_used`), when the provider counts them.', resolve: (u) => u.tokensUsed }),
    usd: t.float({ nullable: true, description: 'US dollars spent (`usd_spent`), when the provider says.', resolve: (u) => u.usdSpent }),
  }),
});

builder.objectField(VideoGenerationRef, 'usage', (t) =>
  t.field({
    type: UsageRef,
    nullable: true,
    description:
      "What this generation cost, from the provider's create and read answers, kept with the generation; null until the provider reports it.",
    resolve: (g) => g.usage,
  }),
);

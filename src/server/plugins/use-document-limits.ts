/**
 * Document limits (graphql-armor): depth, aliases, tokens and cost. They run in parsing and
 * validation, so graphql-ws operations, which go through the same envelop pipeline, are held to
 * them too.
 */
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { Plugin } from 'graphql-yoga';
import type { Limits } from '../../config.js';

/** The limits this plugin enforces (see `Limits` in config.ts for their defaults). */
export type DocumentLimits = Pick<Limits, 'maxDepth' | 'maxAliases' | 'maxTokens' | 'maxCost'>;

export function useDocumentLimits(limits: DocumentLimits): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      // Limits are exposed in the messages: a caller can tell which one to stay under.
      addPlugin(maxDepthPlugin({ n: limits.maxDepth, ignoreIntrospection: true, exposeLimits: true }) as Plugin);
      addPlugin(maxAliasesPlugin({ n: limits.maxAliases, allowList: [], exposeLimits: true }) as Plugin);
      addPlugin(maxTokensPlugin({ n: limits.maxTokens, exposeLimits: true }) as Plugin);
      addPlugin(costLimitPlugin({ maxCost: limits.maxCost, ignoreIntrospection: true, exposeLimits: true }) as Plugin);
    },
  };
}

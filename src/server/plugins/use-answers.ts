/**
 * Answers of queries that read only finished generations, kept and served again without
 * executing: a finished generation does not change, so neither does the answer (the issue's
 * "the gateway may answer faster than a plain resolver").
 *
 * An answer is kept per client, document, operation and variables, together with the objects
 * the store handed out for each generation it read. It is served again only while the store
 * still hands out those very objects: the in-memory store copy of a finished generation is
 * replaced on every save (archiving sets the video's local URL), and a store without that copy
 * (cluster mode) returns a new object on every read, so nothing stale is ever served.
 */
import { Kind, getOperationAST, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../../schema/builder.js';

interface Kept {
  result: ExecutionResult;
  reads: { id: string; gen: unknown }[];
}

export interface FinishedAnswersOptions {
  /** Answers kept per document; the least recently used goes first. @default 10_000 */
  capacity?: number;
  /**
   * Told of every answer made only of finished generations (kept, or served again), with the
   * operation's context, so an HTTP-level cache (answer-replay.ts) can keep its bytes too.
   * @default undefined
   */
  onFinished?: (context: object, found: { owner: string; reads: readonly { id: string; gen: unknown }[] }) => void;
}

export function useFinishedAnswers(options: FinishedAnswersOptions = {}): Plugin {
  const capacity = options.capacity ?? 10_000;
  const byDocument = new WeakMap<object, Map<string, Kept>>();
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const op = getOperationAST(args.document, args.operationName);
      if (op?.operation !== 'query') return;
      // Only operations whose every root field is videoGeneration (or __typename).
      const only = op.selectionSet.selections.every(
        (s) => s.kind === Kind.FIELD && (s.name.value === 'videoGeneration' || s.name.value === '__typename'),
      );
      if (!only) return;
      const ctx = args.contextValue as unknown as GatewayContext;
      let answers = byDocument.get(args.document);
      if (!answers) byDocument.set(args.document, (answers = new Map()));
      const key = `${ctx.client}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
      const kept = answers.get(key);
      if (kept) {
        let same = true;
        for (const r of kept.reads) {
          if ((await ctx.service.get(ctx.client, r.id)) !== r.gen) {
            same = false;
            break;
          }
        }
        if (same) {
          // Least recently used last.
          answers.delete(key);
          answers.set(key, kept);
          options.onFinished?.(ctx, { owner: ctx.client, reads: kept.reads });
          setResultAndStopExecution(kept.result);
          return;
        }
        answers.delete(key);
      }
      const store = answers;
      return {
        onExecuteDone({ result }) {
          const r = result as ExecutionResult;
          if (ctx.answer === 'live' || r.errors || !ctx.finishedReads?.length || Symbol.asyncIterator in (result as object)) return;
          store.set(key, { result: r, reads: ctx.finishedReads });
          options.onFinished?.(ctx, { owner: ctx.client, reads: ctx.finishedReads });
          if (store.size > capacity) store.delete(store.keys().next().value as string);
        },
      };
    },
  };
}

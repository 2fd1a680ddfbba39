/**
 * No "Did you mean …" when introspection is off (INTROSPECTION=false). graphql-js ends many
 * messages with suggestions drawn from the schema: field, argument, type and input field names
 * (`Did you mean "videoGeneration"?`), enum values (`Did you mean the enum value "P720"?`) and
 * abstract types (`Did you mean to use an inline fragment on "…"?`). With introspection off they
 * would hand the schema out one guess at a time.
 *
 * graphql-armor's block-field-suggestions plugin was considered and is not enough: it rewrites
 * validation errors only, and its pattern misses the enum-value and inline-fragment forms, while
 * suggestions also come from variable coercion (`Variable "$r" got invalid value "P72"; … Did you
 * mean the enum value "P720"?`), which happens at execution. This plugin strips them in both
 * places; both run inside the envelop pipeline, so HTTP, SSE and WebSocket are covered alike.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';

/** graphql-js's `didYouMean` appends its hint at the end of a message: cut from there. */
const SUGGESTION = /\s*Did you mean\b[\s\S]*$/;

/** The message without a trailing suggestion. */
export function withoutSuggestion(message: string): string {
  return message.replace(SUGGESTION, '');
}

/** The error with its suggestion cut (the same object when it had none). */
export function withoutSuggestions(error: GraphQLError): GraphQLError {
  const message = withoutSuggestion(error.message);
  if (message === error.message) return error;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

function stripResult(result: ExecutionResult, setResult: (r: ExecutionResult) => void): void {
  if (!result.errors?.some((e) => SUGGESTION.test(e.message))) return;
  setResult({ ...result, errors: result.errors.map(withoutSuggestions) });
}

export function useNoSuggestions(): Plugin {
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map((e) => (e instanceof GraphQLError ? withoutSuggestions(e) : e)));
      };
    },
    onExecute() {
      return {
        onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => stripResult(result, setResult)),
      };
    },
    onSubscribe() {
      return {
        onSubscribeResult: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => stripResult(result, setResult)),
      };
    },
  };
}

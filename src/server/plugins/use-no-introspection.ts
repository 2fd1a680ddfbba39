/**
 * Introspection off (INTROSPECTION=false): `__schema` and `__type` fail validation, on every
 * transport. `__typename` stays, as clients rely on it.
 */
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

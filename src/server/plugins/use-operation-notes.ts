/**
 * Notes the operation's name (or its type when unnamed) for the HTTP request's log line, which
 * http.ts writes once the response has finished.
 */
import { getOperationAST, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RequestNotes } from '../http.js';

function noteOperation(args: ExecutionArgs): void {
  // Present for HTTP requests only: a WebSocket operation is logged by ws.ts instead.
  const notes = (args.contextValue as { notes?: RequestNotes }).notes;
  if (!notes) return;
  const op = getOperationAST(args.document, args.operationName);
  notes.operation = op?.name?.value ?? op?.operation ?? undefined;
}

export function useOperationNotes(): Plugin {
  return {
    onExecute: ({ args }) => noteOperation(args),
    onSubscribe: ({ args }) => noteOperation(args),
  };
}

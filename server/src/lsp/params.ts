// Every custom request's parameters checked in one place: a wrong shape (null, a missing field) is InvalidParams, never an internal error.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { KubecertRequest } from '../../../shared/protocol';

/** `handler` behind the request's own validator (shared/protocol.ts). */
export function checked<P, R, A extends R | Promise<R>>(
  request: KubecertRequest<P, R>,
  handler: (params: P) => A,
): (params: unknown) => A | ResponseError<void> {
  return (params) => {
    const why = request.invalid(params);
    return why === undefined ? handler(params as P) : new ResponseError<void>(ErrorCodes.InvalidParams, `${request.method}: ${why}`);
  };
}

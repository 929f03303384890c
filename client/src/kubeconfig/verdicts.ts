// Each context's verdict, asked of the language server (it judges the kubeconfig list by all of its findings).
import { ContextHealthRequest, type ContextVerdict, type ParamsOf, type ResultOf } from '../../../shared/protocol';
import type { Ctx } from '../context';

export interface Verdicts {
  byContext: Map<string, ContextVerdict>;
  /** Why there are none: the server is not running. */
  unavailable?: string;
}

export async function askVerdicts(ctx: Ctx, files: string[]): Promise<Verdicts> {
  const client = await ctx.ensureClient();
  if (!client?.isRunning()) return { byContext: new Map(), unavailable: 'unknown: the language server is not running' };
  try {
    const result = await client.sendRequest<ResultOf<typeof ContextHealthRequest>>(ContextHealthRequest.method, <ParamsOf<typeof ContextHealthRequest>>{
      files,
    });
    return { byContext: new Map(result.contexts.map((c) => [c.context, c])) };
  } catch (e) {
    return { byContext: new Map(), unavailable: `unknown: ${e instanceof Error ? e.message : String(e)}` };
  }
}

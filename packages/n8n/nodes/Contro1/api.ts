import type {
  IDataObject,
  IExecuteFunctions,
  IHttpRequestMethods,
  IWebhookFunctions,
  JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export const CREDENTIALS = 'contro1Api';

type Context = IExecuteFunctions | IWebhookFunctions;

export interface ApiCall {
  method: IHttpRequestMethods;
  path: string;
  body?: IDataObject;
  qs?: IDataObject;
  idempotencyKey?: string;
}

/** One authenticated call to the Contro1 v1 API through n8n's own HTTP helper. */
export async function contro1Request<T = IDataObject>(
  ctx: Context,
  call: ApiCall,
  itemIndex?: number,
): Promise<T> {
  const credentials = await ctx.getCredentials<{ baseUrl: string }>(CREDENTIALS);
  const baseUrl = String(credentials.baseUrl).replace(/\/+$/, '');
  try {
    return (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIALS, {
      method: call.method,
      url: `${baseUrl}${call.path}`,
      json: true,
      ...(call.body ? { body: call.body } : {}),
      ...(call.qs ? { qs: call.qs } : {}),
      headers: call.idempotencyKey ? { 'Idempotency-Key': call.idempotencyKey } : {},
    })) as T;
  } catch (error) {
    throw new NodeApiError(ctx.getNode(), error as JsonObject, {
      ...(itemIndex !== undefined ? { itemIndex } : {}),
      message: `Contro1 ${call.method} ${call.path} failed`,
    });
  }
}

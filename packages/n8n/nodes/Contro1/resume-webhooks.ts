import type { IWebhookDescription } from 'n8n-workflow';

/**
 * The resume webhook of a waiting execution, declared as n8n's own send-and-wait nodes declare theirs: n8n routes
 * `POST <resume URL>` to `webhook()` of the waiting node. It is not a trigger, so it has no remote registration
 * lifecycle (`webhookMethods`).
 */
export const resumeWebhooks: IWebhookDescription[] = [
  {
    name: 'default',
    httpMethod: 'POST',
    responseMode: 'onReceived',
    path: '={{ $nodeId }}',
    restartWebhook: true,
    isFullPath: true,
  },
];

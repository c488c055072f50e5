import type {
  IExecuteFunctions,
  INodeExecutionData,
  INodeType,
  INodeTypeDescription,
  IWebhookFunctions,
  IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';
import { auditFields, operationProperties, requestFields, resourceProperty } from './description.js';
import { runSimple } from './operations.js';
import { resumeWebhooks } from './resume-webhooks.js';
import { createAndWait } from './wait.js';
import { resumeWebhook } from './webhook.js';

/** Outputs follow the operation: three branches for approvals, two for questions, one otherwise. */
const OUTPUTS = `={{ $parameter.operation === "${SEND_AND_WAIT_OPERATION}" ? [{ type: "main", displayName: "Approved" }, { type: "main", displayName: "Rejected" }, { type: "main", displayName: "Timed Out" }] : $parameter.operation === "askAndWait" ? [{ type: "main", displayName: "Answered" }, { type: "main", displayName: "Timed Out" }] : [{ type: "main" }] }}`;

export class Contro1 implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Contro1 Approval',
    name: 'contro1',
    icon: { light: 'file:contro1.light.svg', dark: 'file:contro1.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["operation"] }}',
    description: 'Pause for a recorded human decision before the workflow pays, deletes, deploys or emails',
    defaults: { name: 'Contro1 Approval' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: OUTPUTS,
    credentials: [{ name: 'contro1Api', required: true }],
    webhooks: resumeWebhooks,
    waitingNodeTooltip: 'Waiting for a reviewer to decide in Contro1',
    properties: [resourceProperty, ...operationProperties, ...requestFields, ...auditFields],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const operation = this.getNodeParameter('operation', 0) as string;
    if (operation === SEND_AND_WAIT_OPERATION || operation === 'askAndWait')
      return createAndWait(this, operation);
    if (['create', 'get', 'cancel', 'log'].includes(operation)) return runSimple(this, operation);
    throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`);
  }

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    return resumeWebhook(this);
  }
}

import type {
  IAuthenticateGeneric,
  ICredentialTestRequest,
  ICredentialType,
  INodeProperties,
} from 'n8n-workflow';

export class Contro1Api implements ICredentialType {
  name = 'contro1Api';

  displayName = 'Contro1 API';

  icon = {
    light: 'file:../nodes/Contro1/contro1.light.svg',
    dark: 'file:../nodes/Contro1/contro1.dark.svg',
  } as const;

  documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-contro1#credentials';

  properties: INodeProperties[] = [
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'http://127.0.0.1:8787/api/centcom/v1',
      placeholder: 'https://approvals.example.com/api/centcom/v1',
      description: 'The CENTCOM v1 base URL of your Contro1 server, ending in /api/centcom/v1',
      required: true,
    },
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      placeholder: 'cc_live_…',
      description: 'An agent API key (cc_live_… or cc_test_…)',
      required: true,
    },
    {
      displayName: 'Webhook Secret',
      name: 'webhookSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      placeholder: 'whsec_…',
      description:
        "Your organisation's webhook signing secret; decisions that do not carry its signature are refused",
      required: true,
    },
    {
      displayName: 'Previous Webhook Secret',
      name: 'previousWebhookSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'Only while a secret rotation overlaps: the secret being replaced',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: {
        Authorization: '=Bearer {{$credentials.apiKey}}',
      },
    },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl.replace(/\\/$/, "")}}',
      url: '/runtime/status',
      method: 'GET',
    },
  };
}

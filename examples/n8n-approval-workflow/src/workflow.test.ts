import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { INode, INodeType, IWorkflowBase } from 'n8n-workflow';
import { getNodeParameters, getNodeParametersIssues } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

const workflow = JSON.parse(
  readFileSync(new URL('../workflow.json', import.meta.url), 'utf8'),
) as IWorkflowBase;
// The node exactly as n8n loads it: the package's built CommonJS file.
const { Contro1 } = createRequire(import.meta.url)(
  'n8n-nodes-contro1/dist/nodes/Contro1/Contro1.node.js',
) as {
  Contro1: new () => INodeType;
};
const description = new Contro1().description;
const ours = workflow.nodes.filter((n) => n.type === `n8n-nodes-contro1.${description.name}`);

/** Every parameter name the node description knows, at any depth of collections. */
function known(props = description.properties, names = new Set<string>()): Set<string> {
  for (const p of props) {
    names.add(p.name);
    for (const option of (p.options ?? []) as { name: string; values?: typeof props }[]) {
      if ('displayName' in option) names.add(option.name);
      if (option.values) known(option.values, names);
    }
  }
  return names;
}

describe('examples/n8n-approval-workflow/workflow.json', () => {
  it('parses as an n8n workflow that uses the Contro1 node', () => {
    expect(workflow.name).toMatch(/Contro1/);
    expect(ours.map((n) => n.name)).toEqual(['Contro1 Approval', 'Log refund']);
    for (const node of ours) {
      expect(node.typeVersion).toBe(description.version);
      expect(node.credentials).toHaveProperty('contro1Api');
    }
  });

  it('sets only parameters the node has, with valid values and nothing required missing', () => {
    const names = known();
    for (const node of ours as INode[]) {
      const used = [
        ...Object.keys(node.parameters),
        ...Object.values(node.parameters).flatMap((v) => (v && typeof v === 'object' ? Object.keys(v) : [])),
      ];
      expect(used.filter((n) => !names.has(n))).toEqual([]);
      const resolved = getNodeParameters(
        description.properties,
        node.parameters,
        true,
        false,
        node,
        description,
      );
      expect(resolved).not.toBeNull();
      expect(getNodeParametersIssues(description.properties, node, description)).toBeNull();
    }
    const withoutQuestion = { ...(ours[0] as INode), parameters: { ...ours[0]?.parameters, question: '' } };
    expect(getNodeParametersIssues(description.properties, withoutQuestion, description)).not.toBeNull();
    expect(ours[0]?.parameters).toMatchObject({ resource: 'request', operation: 'sendAndWait' });
    expect(ours[1]?.parameters).toMatchObject({ resource: 'auditRecord', operation: 'log' });
  });

  it('wires Approved to the refund, Rejected and Timed out to paths that pay nothing', () => {
    const outputs = workflow.connections['Contro1 Approval']?.main ?? [];
    expect(outputs.map((o) => o?.map((c) => c.node))).toEqual([
      ['Send refund'],
      ['Refund refused'],
      ['Nobody decided in time'],
    ]);
    const reachable = (from: string, seen = new Set<string>()): Set<string> => {
      for (const out of workflow.connections[from]?.main ?? [])
        for (const c of out ?? []) if (!seen.has(c.node)) reachable(c.node, seen.add(c.node));
      return seen;
    };
    expect(reachable('Refund refused').has('Send refund')).toBe(false);
    expect(reachable('Nobody decided in time').has('Send refund')).toBe(false);
  });
});

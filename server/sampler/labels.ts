// Adapter labels (contract §5.6): the node's fixed order; '' is the legacy slot.
export const ADAPTER_LABELS = ['dynamo', 'redis', 's3', 'sqs', 'rawkv'] as const;
export type AdapterLabel = (typeof ADAPTER_LABELS)[number];

export function isAdapterLabel(s: string): s is AdapterLabel {
  return (ADAPTER_LABELS as readonly string[]).includes(s);
}

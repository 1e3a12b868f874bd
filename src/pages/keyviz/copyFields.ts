// What the pinned flyout offers to copy: every field, and each key as escaped text, hex and
// base64. Pure: the component only renders the list.

import type { KeyDescription } from '../../data/keys.ts';
import type { CellInfo } from './cellInfo.ts';

export interface CopyField {
  /** Accessible name of the button, e.g. "Copy start key as hex" (visible without "Copy "). */
  label: string;
  text: string;
}

function keyFields(side: 'start' | 'end', k: KeyDescription): CopyField[] {
  if (k.openEnd) return [{ label: `Copy ${side} key`, text: k.openEnd }];
  return [
    { label: `Copy ${side} key as text`, text: k.display },
    { label: `Copy ${side} key as hex`, text: k.hex },
    { label: `Copy ${side} key as base64`, text: k.base64 },
  ];
}

export function copyFields(info: CellInfo): CopyField[] {
  const out: CopyField[] = [
    { label: 'Copy value', text: info.exact || info.value },
    { label: 'Copy time', text: info.time },
    { label: 'Copy bucket id', text: info.bucketId },
  ];
  if (info.label) out.push({ label: 'Copy label', text: info.label });
  out.push({ label: 'Copy raft group', text: info.raftGroup });
  out.push({ label: 'Copy row total', text: info.rowTotal });
  return [...out, ...keyFields('start', info.start), ...keyFields('end', info.end)];
}

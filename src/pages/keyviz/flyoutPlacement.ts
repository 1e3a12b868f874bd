// Where the hover flyout goes: beside the cursor (right and below), flipped to the other side
// when it would leave the viewport, and clamped inside it as a last resort.

export interface Placement {
  left: number;
  top: number;
}

export function placeFlyout(
  cursor: { x: number; y: number },
  size: { w: number; h: number },
  viewport: { w: number; h: number },
  offset = 14,
  margin = 4,
): Placement {
  let left = cursor.x + offset;
  if (left + size.w > viewport.w - margin) left = cursor.x - offset - size.w;
  let top = cursor.y + offset;
  if (top + size.h > viewport.h - margin) top = cursor.y - offset - size.h;
  left = Math.max(margin, Math.min(left, viewport.w - margin - size.w));
  top = Math.max(margin, Math.min(top, viewport.h - margin - size.h));
  return { left, top };
}

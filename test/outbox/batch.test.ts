// The planner that groups identical due private heads into batches (src/outbox/batch.ts).
import { describe, expect, it } from 'vitest';
import { planPrivateBatches, type BatchableRow } from '../../src/outbox/batch.ts';

const now = 1_000_000;
let next = 1;
const row = (over: Partial<BatchableRow> = {}): BatchableRow => ({ id: next++, platform: 'dingtalk', chatKind: 'private', payload: '{"kind":"text","text":"题"}', status: 'pending', notBefore: new Date(now), lockedUntil: null, ...over });

describe('planPrivateBatches', () => {
  it('groups identical due private heads of one platform, at most `size` a batch, oldest leading', () => {
    const rows = Array.from({ length: 7 }, () => row());
    const plan = planPrivateBatches(rows, now, () => 3);
    expect([...plan.companions.entries()].map(([leader, c]) => [leader, c.map((r) => r.id)])).toEqual([
      [rows[0]!.id, [rows[1]!.id, rows[2]!.id]],
      [rows[3]!.id, [rows[4]!.id, rows[5]!.id]],
    ]);
    expect(plan.absorbed.has(rows[6]!.id)).toBe(false); // alone: sent as usual
    expect(plan.absorbed.size).toBe(4);
  });

  it('leaves out groups, other payloads, other platforms, rows not due, live leases, and platforms without batching', () => {
    const lead = row();
    const rows = [
      lead,
      row({ chatKind: 'group' }),
      row({ payload: '{"kind":"text","text":"别的"}' }),
      row({ platform: 'wecom' }),
      row({ notBefore: new Date(now + 1) }),
      row({ status: 'sending', lockedUntil: new Date(now + 5000) }),
      row({ status: 'sending', lockedUntil: new Date(now - 1) }), // an expired lease is due again
    ];
    const plan = planPrivateBatches(rows, now, (p) => (p === 'dingtalk' ? 20 : 1));
    expect(plan.companions.get(lead.id)?.map((r) => r.id)).toEqual([rows[6]!.id]);
    expect(planPrivateBatches(rows, now, () => 1).companions.size).toBe(0);
  });
});

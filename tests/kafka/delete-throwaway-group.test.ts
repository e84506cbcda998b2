import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { deleteGroupsReason, deleteThrowawayGroup } from '../../src/kafka/delete-throwaway-group.js';

/** The error kafkajs' admin.deleteGroups throws: KafkaJSDeleteGroupsError with its groups' errors. */
function groupsError(...types: string[]): Error {
  return Object.assign(new Error('Error in DeleteGroups'), { name: 'KafkaJSDeleteGroupsError', groups: types.map((type) => ({ groupId: 'g', errorCode: 1, error: { type } })) });
}

/** An admin whose deleteGroups fails with each of `failures` in turn, then succeeds. */
function admin(failures: Error[]): { admin: Admin; calls: () => number } {
  let calls = 0;
  return {
    admin: { deleteGroups: async () => {
      const failure = failures[calls++];
      if (failure) throw failure;
      return [];
    } } as unknown as Admin,
    calls: () => calls,
  };
}

describe('deleteThrowawayGroup', () => {
  it('tries again while the group still counts the member that left, then succeeds', async () => {
    const a = admin([groupsError('NON_EMPTY_GROUP'), groupsError('COORDINATOR_LOAD_IN_PROGRESS')]);
    await deleteThrowawayGroup(a.admin, 'g');
    expect(a.calls()).toBe(3);
  });

  it('gives up after four attempts with the last error', async () => {
    const a = admin(Array.from({ length: 6 }, () => groupsError('NON_EMPTY_GROUP')));
    await expect(deleteThrowawayGroup(a.admin, 'g')).rejects.toThrow('Error in DeleteGroups');
    expect(a.calls()).toBe(4);
  });

  it('does not retry an error that will not pass, and takes a group already gone as deleted', async () => {
    const denied = admin([groupsError('GROUP_AUTHORIZATION_FAILED')]);
    await expect(deleteThrowawayGroup(denied.admin, 'g')).rejects.toThrow();
    expect(denied.calls()).toBe(1);
    const gone = admin([groupsError('GROUP_ID_NOT_FOUND')]);
    await deleteThrowawayGroup(gone.admin, 'g');
    expect(gone.calls()).toBe(1);
    const other = admin([new Error('connection closed')]);
    await expect(deleteThrowawayGroup(other.admin, 'g')).rejects.toThrow('connection closed');
    expect(other.calls()).toBe(1);
  });

  it('names the group error types in the warning text', () => {
    expect(deleteGroupsReason(groupsError('NON_EMPTY_GROUP'))).toBe('Error in DeleteGroups (NON_EMPTY_GROUP)');
    expect(deleteGroupsReason(new Error('connection closed'))).toBe('connection closed');
  });
});

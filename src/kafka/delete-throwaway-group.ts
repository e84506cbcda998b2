import type { Admin } from 'kafkajs';
/** Group error codes of DeleteGroups that pass: the coordinator is busy, moving, or the member's leave is not yet processed. */
const TRANSIENT_GROUP_ERRORS = new Set(['NON_EMPTY_GROUP', 'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'REQUEST_TIMED_OUT']);
/** Waits before the second, third and fourth DeleteGroups, ms. */
const DELETE_GROUP_BACKOFF_MS = [250, 500, 1000] as const;

/**
 * Deletes the throwaway group, trying again while the broker reports a passing condition (kafkajs
 * does not retry those: on a loaded broker the group can still count the member that just left).
 * A group already gone counts as deleted.
 */
export async function deleteThrowawayGroup(admin: Admin, groupId: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.deleteGroups([groupId]);
      return;
    } catch (err) {
      const types = groupErrorTypes(err);
      if (types.length > 0 && types.every((t) => t === 'GROUP_ID_NOT_FOUND')) return;
      if (attempt >= DELETE_GROUP_BACKOFF_MS.length || !types.some((t) => TRANSIENT_GROUP_ERRORS.has(t))) throw err;
      await new Promise((resolve) => setTimeout(resolve, DELETE_GROUP_BACKOFF_MS[attempt]));
    }
  }
}

/** The per-group error types of a kafkajs DeleteGroups error (KafkaJSDeleteGroupsError.groups), else []. */
function groupErrorTypes(err: unknown): string[] {
  const groups = (err as { groups?: { error?: { type?: unknown } }[] }).groups;
  if (!Array.isArray(groups)) return [];
  return groups.map((g) => (typeof g.error?.type === 'string' ? g.error.type : 'UNKNOWN'));
}

/** The error's message with its per-group error types, e.g. "Error in DeleteGroups (NON_EMPTY_GROUP)". */
export function deleteGroupsReason(err: Error): string {
  const types = groupErrorTypes(err);
  return types.length > 0 ? `${err.message} (${types.join(', ')})` : err.message;
}

/** The least-privilege Redis command set of docs/security.md, as ACL SETUSER rules. */
export const LEAST_PRIVILEGE: readonly string[] = [
  '+eval', '+evalsha', '+get', '+set', '+hget', '+hmget', '+hset', '+hdel', '+hlen', '+hgetall', '+hscan',
  '+type', '+ping', '+auth', '+quit', '+info', '+client|setname',
];

/** What Redis Cluster adds to it (docs/security.md): the slot map, the ready check, ASK redirects. */
export const CLUSTER_ADDITIONS: readonly string[] = ['+cluster|slots', '+cluster|info', '+asking'];

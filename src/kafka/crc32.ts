/** The CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) lookup table, built once. */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 of `bytes` as an unsigned 32-bit integer: the checksum of zlib's `crc32` and of
 * librdkafka's `rd_crc32`, which its `consistent` and `consistent_random` partitioners (the
 * latter librdkafka's default) take modulo the partition count. Allocates nothing.
 */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

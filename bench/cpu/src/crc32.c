/* Table-driven CRC-32 (IEEE, reflected) over a 64 KiB pseudo-random buffer, many passes. */
#include "bench.h"

#define BUF_SIZE 65536
#define PASSES 288

static u8 buf[BUF_SIZE];
static u32 table[256];

static void make_table(void) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static u32 crc32(const u8 *p, u64 n, u32 crc) {
  crc = ~crc;
  while (n--) crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

int main(void) {
  make_table();
  /* Known answer: CRC-32 of "123456789" is 0xcbf43926. */
  if (crc32((const u8 *)"123456789", 9, 0) != 0xcbf43926u) {
    puts("FAIL crc32 known answer\n");
    return 2;
  }
  for (u64 i = 0; i < BUF_SIZE; i += 8) {
    u64 r = rng_next();
    for (int k = 0; k < 8; k++) buf[i + k] = (u8)(r >> (8 * k));
  }
  u32 crc = 0;
  for (int pass = 0; pass < PASSES; pass++) {
    buf[pass] ^= (u8)pass;
    crc = crc32(buf, BUF_SIZE, crc);
  }
  report("crc32", crc);
  return 0;
}

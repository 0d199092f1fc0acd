/* Page-table building for the paging tests (run in M-mode, physical addresses = pointers). */
#include "test.h"

static u64 next_free;

void *alloc_page(void) {
  if (!next_free) next_free = (u64)__free_ram;
  void *p = (void *)next_free;
  next_free += 4096;
  memset(p, 0, 4096);
  return p;
}

u64 *map_page(u64 *root, int levels, u64 va, u64 pa, int level, u64 flags) {
  u64 *table = root;
  for (int l = levels - 1; l > level; l--) {
    u64 idx = (va >> (12 + 9 * l)) & 511;
    u64 pte = table[idx];
    if (!(pte & PTE_V)) {
      u64 *next = alloc_page();
      pte = ((u64)next >> 12) << 10 | PTE_V;
      table[idx] = pte;
    }
    table = (u64 *)((pte >> 10) << 12);
  }
  u64 idx = (va >> (12 + 9 * level)) & 511;
  table[idx] = (pa >> 12) << 10 | flags | PTE_V;
  return &table[idx];
}

void sfence_vma(void) { asm volatile("sfence.vma" ::: "memory"); }

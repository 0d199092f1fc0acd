/* Translation caching rules: satp switches between ASIDs, sfence.vma by address and by ASID. */
#include "paging.h"

#define RWXAD (PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define VA_T 0x40000000ul
#define ASID_SHIFT 44

static u64 *new_root(void) {
  u64 *root = alloc_page();
  map_page(root, 3, 0, 0, 2, RWXAD | PTE_G);
  map_page(root, 3, 0x80000000, 0x80000000, 2, RWXAD | PTE_G);
  return root;
}

#define KERNEL_VA 0xffffffff80000000ul /* where Linux maps itself on RV64 */

static volatile u64 kernel_data = 0x600df00d;
static u64 s_satp_value;

static __attribute__((noinline)) u64 run_high(u64 x) {
  u64 pc;
  asm volatile("auipc %0, 0" : "=r"(pc));
  /* kernel_data is reached pc-relative, i.e. through the high mapping too. */
  return (pc >= KERNEL_VA) ? x * 3 + kernel_data : 0;
}

/* S-mode: turn paging on, call the high alias of run_high, turn paging off. */
static u64 s_enable_paging_and_jump(u64 x) {
  csr_write(satp, s_satp_value);
  asm volatile("sfence.vma" ::: "memory");
  u64 (*high)(u64) = (u64(*)(u64))((u64)run_high - 0x80000000ul + KERNEL_VA);
  u64 r = high(x);
  csr_write(satp, 0);
  asm volatile("sfence.vma" ::: "memory");
  return r;
}

int main(void) {
  u64 *p1 = alloc_page(), *p2 = alloc_page(), *p3 = alloc_page();
  p1[0] = 0x1001;
  p2[0] = 0x2002;
  p3[0] = 0x3003;
  u64 *root_a = new_root(), *root_b = new_root();
  u64 *pte_a = map_page(root_a, 3, VA_T, (u64)p1, 0, PTE_R | PTE_W | PTE_A | PTE_D);
  map_page(root_b, 3, VA_T, (u64)p2, 0, PTE_R | PTE_W | PTE_A | PTE_D);
  u64 satp_a = SATP_SV39 | (1ul << ASID_SHIFT) | ((u64)root_a >> 12);
  u64 satp_b = SATP_SV39 | (2ul << ASID_SHIFT) | ((u64)root_b >> 12);

  section("ASID field");
  csr_write(satp, satp_a);
  int has_asids = ((csr_read(satp) >> ASID_SHIFT) & 0xffff) == 1;
  puts(has_asids ? "ASIDs implemented\n" : "no ASID bits: satp switches get an sfence.vma\n");
  sfence_vma();

  section("switching satp selects the other address space");
  LOAD_OK(PRV_S, VA_T, 0x1001);
  csr_write(satp, satp_b);
  if (!has_asids) sfence_vma();
  LOAD_OK(PRV_S, VA_T, 0x2002);
  csr_write(satp, satp_a);
  if (!has_asids) sfence_vma();
  LOAD_OK(PRV_S, VA_T, 0x1001);

  section("sfence.vma with an address and an ASID");
  *pte_a = ((u64)p3 >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  asm volatile("sfence.vma %0, %1" ::"r"(VA_T), "r"(has_asids ? 1ul : 0ul) : "memory");
  LOAD_OK(PRV_S, VA_T, 0x3003);
  *pte_a = ((u64)p1 >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  asm volatile("sfence.vma zero, %0" ::"r"(has_asids ? 1ul : 0ul) : "memory");
  LOAD_OK(PRV_S, VA_T, 0x1001);

  section("a PTE made invalid faults after sfence.vma");
  *pte_a = 0;
  asm volatile("sfence.vma %0, zero" ::"r"(VA_T) : "memory");
  LOAD_FAULT(PRV_S, VA_T);

  section("S-mode turns paging on itself and runs at the Linux kernel address");
  u64 *root_k = new_root();
  map_page(root_k, 3, KERNEL_VA, 0x80000000, 2, RWXAD | PTE_G);
  s_satp_value = SATP_SV39 | ((u64)root_k >> 12);
  csr_write(satp, 0);
  sfence_vma();
  CHECK_EQ(enter_mode(PRV_S, s_enable_paging_and_jump, 5), 15 + 0x600df00d);
  CHECK_EQ(csr_read(satp), 0);

  section("satp = Bare turns translation off");
  csr_write(satp, 0);
  sfence_vma();
  LOAD_OK(PRV_S, (u64)p2, 0x2002);
  return test_result();
}

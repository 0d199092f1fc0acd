/* Sv39: 4K/2M/1G pages, misaligned superpages, R/W/X/U permissions, SUM, MXR, MPRV, A/D, sfence. */
#include "paging.h"

#define RWXAD (PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define VA(n) (0x40000000ul + (n) * 0x1000ul)
#define VA_2M 0x40200000ul
#define VA_2M_BAD 0x40400000ul
#define VA_1G 0x100000000ul
#define VA_1G_BAD 0x140000000ul

static volatile u64 marker = 0x1234abcd5678ef90;

static u64 mprv_load(u64 va, u64 mpp) {
  u64 v = 0xdead;
  asm volatile("li t0, 0x1800\ncsrc mstatus, t0\nslli t1, %2, 11\ncsrs mstatus, t1\n"
               "li t0, 0x20000\ncsrs mstatus, t0\nld %0, 0(%1)\ncsrc mstatus, t0"
               : "+&r"(v)
               : "r"(va), "r"(mpp)
               : "t0", "t1", "memory");
  return v;
}

int main(void) {
  u64 *root = alloc_page();
  map_page(root, 3, 0, 0, 2, RWXAD | PTE_G);                         /* devices */
  u64 *ram = map_page(root, 3, 0x80000000, 0x80000000, 2, RWXAD);      /* code, data, stack */
  u64 *p1 = alloc_page(), *p3 = alloc_page(), *code = make_code_page();
  p1[0] = 0x1111;
  p3[0] = 0x3333;
  u64 pa1 = (u64)p1, pa3 = (u64)p3, pac = (u64)code;
  map_page(root, 3, VA(0), pa1, 0, PTE_R | PTE_W | PTE_A | PTE_D);
  map_page(root, 3, VA(1), pa1, 0, PTE_R | PTE_A);
  map_page(root, 3, VA(2), pac, 0, PTE_X | PTE_A);
  map_page(root, 3, VA(3), pac, 0, PTE_R | PTE_X | PTE_A);
  map_page(root, 3, VA(4), pac, 0, PTE_R | PTE_W | PTE_A | PTE_D);
  map_page(root, 3, VA(5), pa1, 0, PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  map_page(root, 3, VA(6), pac, 0, PTE_R | PTE_X | PTE_U | PTE_A);
  /* VA(7) stays unmapped */
  map_page(root, 3, VA(8), pa1, 0, PTE_W | PTE_A | PTE_D); /* W without R: reserved */
  u64 *pte_noa = map_page(root, 3, VA(9), pa3, 0, PTE_R | PTE_W);
  u64 *pte_nod = map_page(root, 3, VA(10), pa3, 0, PTE_R | PTE_W | PTE_A);
  u64 *pte_sw = map_page(root, 3, VA(11), pa1, 0, PTE_R | PTE_W | PTE_A | PTE_D);
  map_page(root, 3, VA_2M, 0x80400000, 1, PTE_R | PTE_W | PTE_A | PTE_D);
  map_page(root, 3, VA_2M_BAD, 0x80401000, 1, PTE_R | PTE_W | PTE_A | PTE_D);
  map_page(root, 3, VA_1G, 0x80000000, 2, PTE_R | PTE_A);
  map_page(root, 3, VA_1G_BAD, 0x80200000, 2, PTE_R | PTE_A);
  MMIO64(0x80401008) = 0x2222;

  section("satp: Sv39 mode and root PPN, unsupported modes ignored");
  u64 satp = SATP_SV39 | ((u64)root >> 12);
  csr_write(satp, satp);
  CHECK_EQ(csr_read(satp), satp);
  csr_write(satp, (5ul << 60) | 1);
  CHECK_EQ(csr_read(satp), satp);
  sfence_vma();

  section("4K, 2M and 1G pages from S-mode");
  LOAD_OK(PRV_S, VA(0), 0x1111);
  LOAD_OK(PRV_S, VA(1), 0x1111);
  LOAD_OK(PRV_S, VA_2M + 0x1008, 0x2222);
  LOAD_OK(PRV_S, VA_1G + ((u64)&marker - 0x80000000), marker);
  store_value = 0x5151;
  STORE_OK(PRV_S, VA(0) + 8);
  CHECK_EQ(p1[1], 0x5151);

  section("misaligned superpages and invalid PTEs fault");
  LOAD_FAULT(PRV_S, VA_2M_BAD + 8);
  LOAD_FAULT(PRV_S, VA_1G_BAD + 16);
  LOAD_FAULT(PRV_S, VA(7));
  STORE_FAULT(PRV_S, VA(7) + 8);
  LOAD_FAULT(PRV_S, VA(8));
  STORE_FAULT(PRV_S, VA(8));
  LOAD_FAULT(PRV_S, 0x0000008000000000ul); /* not sign-extended from bit 38 */
  LOAD_FAULT(PRV_S, 0xffffffc000000000ul); /* canonical but unmapped */

  section("a pointer PTE at the last level and reserved PTE bits fault");
  map_page(root, 3, VA(14), pa1, 0, 0); /* V only at level 0: no further level to walk */
  map_page(root, 3, VA(15), pa1, 0, PTE_R | PTE_A | (1ul << 60)); /* reserved bit 60 */
  sfence_vma();
  LOAD_FAULT(PRV_S, VA(14));
  LOAD_FAULT(PRV_S, VA(15));

  section("R/W/X permissions");
  STORE_FAULT(PRV_S, VA(1));
  CALL_OK(PRV_S, VA(3), 0x77);
  CALL_OK(PRV_S, VA(2), 0x77);
  FETCH_FAULT(PRV_S, VA(4));
  FETCH_FAULT(PRV_S, VA(7));
  LOAD_FAULT(PRV_S, VA(2));

  section("MXR makes execute-only pages readable");
  csr_set(mstatus, MSTATUS_MXR);
  LOAD_OK(PRV_S, VA(2), code[0]);
  csr_clear(mstatus, MSTATUS_MXR);

  section("U pages from S: only with SUM, never executable");
  LOAD_FAULT(PRV_S, VA(5));
  STORE_FAULT(PRV_S, VA(5));
  csr_set(mstatus, MSTATUS_SUM);
  LOAD_OK(PRV_S, VA(5), 0x1111);
  FETCH_FAULT(PRV_S, VA(6));
  csr_clear(mstatus, MSTATUS_SUM);

  section("MPRV: M-mode loads translated with MPP's privilege");
  CHECK_EQ(mprv_load(VA(0), PRV_S), 0x1111);
  CHECK_EQ(mprv_load(pa3, PRV_M), 0x3333);
  trap_arm(&mtrap);
  u64 v = mprv_load(VA(5), PRV_S); /* U page, SUM = 0 */
  mtrap.armed = 0;
  CHECK_EQ(mtrap.count, 1);
  CHECK_EQ(mtrap.cause, CAUSE_LOAD_PAGE_FAULT);
  CHECK_EQ(mtrap.tval, VA(5));
  CHECK_EQ(v, 0xdead);
  CHECK((csr_read(mstatus) & MSTATUS_MPRV) == 0);

  section("A/D bits: set by hardware, or page fault and the handler sets them");
  struct outcome o = attempt(PRV_S, do_load, VA(9));
  if (o.cause != ~0ul) {
    CHECK_EQ(o.cause, CAUSE_LOAD_PAGE_FAULT);
    CHECK_EQ(o.tval, VA(9));
    *pte_noa |= PTE_A;
    sfence_vma();
    o = attempt(PRV_S, do_load, VA(9));
    CHECK_EQ(o.cause, ~0ul);
  }
  CHECK(*pte_noa & PTE_A);
  CHECK_EQ(o.value, 0x3333);
  store_value = 0x4444;
  o = attempt(PRV_S, do_store, VA(10));
  if (o.cause != ~0ul) {
    CHECK_EQ(o.cause, CAUSE_STORE_PAGE_FAULT);
    CHECK_EQ(o.tval, VA(10));
    *pte_nod |= PTE_D;
    sfence_vma();
    o = attempt(PRV_S, do_store, VA(10));
    CHECK_EQ(o.cause, ~0ul);
  }
  CHECK(*pte_nod & PTE_D);
  CHECK_EQ(p3[0], 0x4444);

  section("sfence.vma makes PTE changes visible");
  LOAD_OK(PRV_S, VA(11), p1[0]);
  *pte_sw = (pa3 >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  sfence_vma();
  LOAD_OK(PRV_S, VA(11), 0x4444);
  *pte_sw = (pa1 >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  asm volatile("sfence.vma %0, zero" ::"r"(VA(11)) : "memory");
  LOAD_OK(PRV_S, VA(11), p1[0]);
  *pte_sw = 0;
  asm volatile("sfence.vma %0, zero" ::"r"(VA(11)) : "memory");
  LOAD_FAULT(PRV_S, VA(11));

  section("an instruction that straddles two pages");
  /* addi a0, x0, 0x55 at offset 4094 of one page, upper half and ret on a page that is not its
     physical neighbour: the fetch must translate both halves separately. */
  u8 *first = alloc_page();
  alloc_page(); /* spacer: the second page is not physically adjacent */
  u8 *second = alloc_page();
  *(volatile u16 *)(first + 4094) = 0x0513;
  *(volatile u16 *)(second + 0) = 0x0550;
  *(volatile u32 *)(second + 2) = 0x00008067;
  asm volatile("fence.i" ::: "memory");
  map_page(root, 3, VA(12), (u64)first, 0, PTE_R | PTE_X | PTE_A);
  sfence_vma();
  struct outcome f = attempt(PRV_S, do_call, VA(12) + 4094);
  CHECK_EQ(f.cause, CAUSE_FETCH_PAGE_FAULT);
  CHECK_EQ(f.epc, VA(12) + 4094);
  CHECK_EQ(f.tval, VA(13)); /* the part of the instruction that faulted */
  map_page(root, 3, VA(13), (u64)second, 0, PTE_R | PTE_X | PTE_A);
  sfence_vma();
  CALL_OK(PRV_S, VA(12) + 4094, 0x55);

  section("U-mode: only U pages");
  *ram |= PTE_U; /* U-mode code and stack live in the RAM gigapage */
  sfence_vma();
  LOAD_OK(PRV_U, VA(5), p1[0]);
  STORE_OK(PRV_U, VA(5) + 16);
  CALL_OK(PRV_U, VA(6), 0x77);
  LOAD_FAULT(PRV_U, VA(0));
  STORE_FAULT(PRV_U, VA(0));
  FETCH_FAULT(PRV_U, VA(3));
  *ram &= ~(u64)PTE_U;
  sfence_vma();

  csr_write(satp, 0);
  sfence_vma();
  return test_result();
}

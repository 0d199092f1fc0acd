/* Sv48: 4-level walks with 4K/2M/1G/512G pages, misaligned 512G/1G pages, canonical addresses. */
#include "paging.h"

#define RWXAD (PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define VA_4K 0x40000000ul
#define VA_2M 0x40200000ul
#define VA_1G 0x100000000ul
#define VA_512G 0x8000000000ul
#define VA_512G_BAD 0x10000000000ul
#define VA_1G_BAD 0x140000000ul
#define VA_HIGH 0xffff800000001000ul /* top half of the Sv48 space */

static volatile u64 marker = 0x0123456789abcdef;

int main(void) {
  u64 *root = alloc_page();
  map_page(root, 4, 0, 0, 2, RWXAD | PTE_G);
  map_page(root, 4, 0x80000000, 0x80000000, 2, RWXAD);
  u64 *p1 = alloc_page(), *p2 = alloc_page();
  p1[0] = 0xaaaa;
  p2[3] = 0xbbbb;
  map_page(root, 4, VA_4K, (u64)p1, 0, PTE_R | PTE_W | PTE_A | PTE_D);
  map_page(root, 4, VA_2M, 0x80400000, 1, PTE_R | PTE_A);
  map_page(root, 4, VA_1G, 0x80000000, 2, PTE_R | PTE_A);
  map_page(root, 4, VA_512G, 0, 3, PTE_R | PTE_W | PTE_A | PTE_D);
  map_page(root, 4, VA_512G_BAD, 0x40000000, 3, PTE_R | PTE_A);
  map_page(root, 4, VA_1G_BAD, 0x80200000, 2, PTE_R | PTE_A);
  map_page(root, 4, VA_HIGH, (u64)p2, 0, PTE_R | PTE_A);
  MMIO64(0x80400010) = 0xcccc;

  section("satp accepts Sv48");
  u64 satp = SATP_SV48 | ((u64)root >> 12);
  csr_write(satp, satp);
  CHECK_EQ(csr_read(satp), satp);
  sfence_vma();

  section("4K, 2M, 1G and 512G pages");
  LOAD_OK(PRV_S, VA_4K, 0xaaaa);
  LOAD_OK(PRV_S, VA_2M + 0x10, 0xcccc);
  LOAD_OK(PRV_S, VA_1G + ((u64)&marker - 0x80000000), marker);
  LOAD_OK(PRV_S, VA_512G + (u64)&marker, marker);
  store_value = 0x77;
  STORE_OK(PRV_S, VA_512G + (u64)&p1[2]);
  CHECK_EQ(p1[2], 0x77);
  LOAD_OK(PRV_S, VA_HIGH + 24, 0xbbbb);

  section("misaligned superpages, read-only pages and non-canonical addresses fault");
  LOAD_FAULT(PRV_S, VA_512G_BAD);
  LOAD_FAULT(PRV_S, VA_1G_BAD + 8);
  STORE_FAULT(PRV_S, VA_2M);
  LOAD_FAULT(PRV_S, 0x0000800000000000ul); /* bit 47 set, upper bits clear */
  LOAD_FAULT(PRV_S, 0x00f0000000001000ul);
  LOAD_FAULT(PRV_S, 0x0000400000000000ul); /* canonical, unmapped */

  section("the same VA is non-canonical in Sv39");
  u64 *root39 = alloc_page();
  map_page(root39, 3, 0, 0, 2, RWXAD | PTE_G);
  map_page(root39, 3, 0x80000000, 0x80000000, 2, RWXAD);
  csr_write(satp, SATP_SV39 | ((u64)root39 >> 12));
  sfence_vma();
  LOAD_FAULT(PRV_S, VA_512G + (u64)&marker);
  csr_write(satp, satp);
  sfence_vma();
  LOAD_OK(PRV_S, VA_512G + (u64)&marker, marker);

  csr_write(satp, 0);
  sfence_vma();
  return test_result();
}

/* Unit tests of the page-table walk (core/mmu.c, mmu_translate) on a hart over a fake bus
 * (testhart.h), with page tables written straight into its RAM.
 *
 * Sources: Privileged Architecture 1.12 sections 4.3.1 (PTE bits; W=1 with R=0 is
 * reserved), 4.3.2 (the walk: a leaf at a higher level is a superpage whose low PPN fields
 * must be zero, else a page fault; A is set on any access and D on a write), 4.4.1 (Sv39:
 * 1 GiB gigapages, bits 63:39 must equal bit 38), 4.3 (Sv32 megapages) and 3.1.6.3 (SUM,
 * MXR). Exception causes from table 3.6: 12 fetch, 13 load, 15 store/AMO page fault. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testhart.h"

/* Page tables live in the fake RAM, one page each. */
#define ROOT   (TH_RAM_BASE + 0x1000)
#define L1     (TH_RAM_BASE + 0x2000)
#define L0     (TH_RAM_BASE + 0x3000)
#define DATA   (TH_RAM_BASE + 0x4000)
#define DATA2  (TH_RAM_BASE + 0x5000)
#define PTE_RW (PTE_V | PTE_R | PTE_W)

static uint64_t pte_of(uint64_t pa, uint64_t bits)
{
    return (pa >> PAGE_SHIFT) << 10 | bits;
}

/* A hart in S-mode translating with `root` as its Sv39 (xlen 64) or Sv32 (xlen 32) table. */
static struct testhart *paging_hart(unsigned xlen)
{
    struct testhart *t = th_new(xlen);
    struct hart *h = t->h;
    h->priv = PRIV_S;
    if (xlen == 64)
        h->satp = (uint64_t)SATP_MODE_SV39 << SATP64_MODE_SHIFT | ROOT >> PAGE_SHIFT;
    else
        h->satp = SATP32_MODE | ROOT >> PAGE_SHIFT;
    mmu_context_check(h);
    return t;
}

static unsigned xlate(struct testhart *t, uint64_t va, enum mmu_access acc, uint64_t *pa)
{
    bool whole;
    *pa = 0xdeadbeef;
    return mmu_translate(t->h, va, 4, acc, pa, &whole);
}

/* A 1 GiB leaf in the root table maps VA bits 29:0 straight through, at any of its
 * addresses and for each kind of access it grants. */
static void test_sv39_gigapage(void **state)
{
    (void)state;
    struct testhart *t = paging_hart(64);
    uint64_t pa;
    th_put64(t, ROOT + 3 * 8, pte_of(0x80000000, PTE_RW | PTE_X | PTE_A | PTE_D));
    assert_int_equal(xlate(t, 0xc0004567, MMU_READ, &pa), 0);
    assert_int_equal(pa, 0x80004567);
    assert_int_equal(xlate(t, 0xc0004ffc, MMU_WRITE, &pa), 0);
    assert_int_equal(pa, 0x80004ffc);
    assert_int_equal(xlate(t, 0xc0000000, MMU_EXEC, &pa), 0);
    assert_int_equal(pa, 0x80000000);
    /* The top of the gigapage: PA past the fake RAM, but translation does not care. */
    assert_int_equal(xlate(t, 0xfffffff0, MMU_READ, &pa), 0);
    assert_int_equal(pa, 0xbffffff0);
    /* The neighbouring gigapage slot is empty. */
    assert_int_equal(xlate(t, 0x100000000, MMU_READ, &pa), EXC_LOAD_PAGE);
    th_free(t);
}

/* A superpage whose PPN is not aligned to its size is a page fault for every access. */
static void test_sv39_misaligned_superpage(void **state)
{
    (void)state;
    struct testhart *t = paging_hart(64);
    uint64_t pa;
    /* Gigapage at VA 0xc0000000 whose PPN[0] is 1. */
    th_put64(t, ROOT + 3 * 8, pte_of(0x80001000, PTE_RW | PTE_X | PTE_A | PTE_D));
    assert_int_equal(xlate(t, 0xc0000000, MMU_READ, &pa), EXC_LOAD_PAGE);
    assert_int_equal(xlate(t, 0xc0000000, MMU_WRITE, &pa), EXC_STORE_PAGE);
    assert_int_equal(xlate(t, 0xc0000000, MMU_EXEC, &pa), EXC_INSN_PAGE);
    /* Gigapage whose PPN[1] alone is nonzero: still misaligned. */
    th_put64(t, ROOT + 3 * 8, pte_of(0x80200000, PTE_RW | PTE_A | PTE_D));
    assert_int_equal(xlate(t, 0xc0000000, MMU_READ, &pa), EXC_LOAD_PAGE);
    /* 2 MiB megapage (root[1] -> L1, L1[1] a leaf) with PPN[0] = 1: fault; aligned: works. */
    th_put64(t, ROOT + 1 * 8, pte_of(L1, PTE_V));
    th_put64(t, L1 + 1 * 8, pte_of(0x80001000, PTE_RW | PTE_A | PTE_D));
    assert_int_equal(xlate(t, 0x40200000, MMU_READ, &pa), EXC_LOAD_PAGE);
    th_put64(t, L1 + 1 * 8, pte_of(0x80200000, PTE_RW | PTE_A | PTE_D));
    assert_int_equal(xlate(t, 0x40212344, MMU_READ, &pa), 0);
    assert_int_equal(pa, 0x80212344);
    th_free(t);
}

/* Three-level walk to a 4 KiB page with A and D clear: a read sets A only, a write then
 * sets D, and both are written back into the PTE in memory. */
static void test_sv39_accessed_dirty(void **state)
{
    (void)state;
    struct testhart *t = paging_hart(64);
    uint64_t pa;
    th_put64(t, ROOT + 1 * 8, pte_of(L1, PTE_V));
    th_put64(t, L1 + 0 * 8, pte_of(L0, PTE_V));
    th_put64(t, L0 + 2 * 8, pte_of(DATA, PTE_RW));
    th_put64(t, L0 + 3 * 8, pte_of(DATA2, PTE_RW));
    assert_int_equal(xlate(t, 0x40002010, MMU_READ, &pa), 0);
    assert_int_equal(pa, DATA + 0x10);
    assert_int_equal(th_get(t, L0 + 2 * 8, 8), pte_of(DATA, PTE_RW | PTE_A));
    assert_int_equal(xlate(t, 0x40002010, MMU_WRITE, &pa), 0);
    assert_int_equal(th_get(t, L0 + 2 * 8, 8), pte_of(DATA, PTE_RW | PTE_A | PTE_D));
    /* A first access that is a write sets both at once; the pointer PTEs are untouched. */
    assert_int_equal(xlate(t, 0x40003000, MMU_WRITE, &pa), 0);
    assert_int_equal(pa, DATA2);
    assert_int_equal(th_get(t, L0 + 3 * 8, 8), pte_of(DATA2, PTE_RW | PTE_A | PTE_D));
    assert_int_equal(th_get(t, L1, 8), pte_of(L0, PTE_V));
    assert_int_equal(th_get(t, ROOT + 8, 8), pte_of(L1, PTE_V));
    /* A faulting access leaves the PTE alone: store to a read-only page. */
    th_put64(t, L0 + 4 * 8, pte_of(DATA, PTE_V | PTE_R));
    assert_int_equal(xlate(t, 0x40004000, MMU_WRITE, &pa), EXC_STORE_PAGE);
    assert_int_equal(th_get(t, L0 + 4 * 8, 8), pte_of(DATA, PTE_V | PTE_R));
    th_free(t);
}

/* W=1 with R=0 is reserved whether X is set or not, and is not a pointer either. */
static void test_sv39_write_without_read(void **state)
{
    (void)state;
    struct testhart *t = paging_hart(64);
    uint64_t pa;
    th_put64(t, ROOT + 1 * 8, pte_of(L1, PTE_V));
    th_put64(t, L1 + 0 * 8, pte_of(L0, PTE_V));
    th_put64(t, L0 + 0, pte_of(DATA, PTE_V | PTE_W | PTE_A | PTE_D));
    th_put64(t, L0 + 8, pte_of(DATA, PTE_V | PTE_W | PTE_X | PTE_A | PTE_D));
    for (uint64_t va = 0x40000000; va <= 0x40001000; va += 0x1000) {
        assert_int_equal(xlate(t, va, MMU_READ, &pa), EXC_LOAD_PAGE);
        assert_int_equal(xlate(t, va, MMU_WRITE, &pa), EXC_STORE_PAGE);
        assert_int_equal(xlate(t, va, MMU_EXEC, &pa), EXC_INSN_PAGE);
    }
    /* The same at a non-leaf level: root[2] = V|W. */
    th_put64(t, ROOT + 2 * 8, pte_of(L1, PTE_V | PTE_W));
    assert_int_equal(xlate(t, 0x80000000, MMU_READ, &pa), EXC_LOAD_PAGE);
    th_free(t);
}

/* Sv39 addresses must be sign-extended from bit 38. */
static void test_sv39_noncanonical(void **state)
{
    (void)state;
    struct testhart *t = paging_hart(64);
    uint64_t pa;
    /* root[0] and root[511] both map gigapages, so only canonicity decides. */
    th_put64(t, ROOT + 0, pte_of(0x80000000, PTE_RW | PTE_A | PTE_D));
    th_put64(t, ROOT + 511 * 8, pte_of(0x80000000, PTE_RW | PTE_A | PTE_D));
    assert_int_equal(xlate(t, 0x10, MMU_READ, &pa), 0);
    assert_int_equal(xlate(t, 0xffffffffc0000010, MMU_READ, &pa), 0);
    assert_int_equal(pa, 0x80000010);
    assert_int_equal(xlate(t, 0x0000004000000010, MMU_READ, &pa), EXC_LOAD_PAGE);
    assert_int_equal(xlate(t, 0xffffff8000000010, MMU_WRITE, &pa), EXC_STORE_PAGE);
    th_free(t);
}

/* U pages from S need SUM (never for fetch); S pages are closed to U; MXR makes
 * execute-only pages readable. */
static void test_sv39_user_bits(void **state)
{
    (void)state;
    struct testhart *t = paging_hart(64);
    struct hart *h = t->h;
    uint64_t pa;
    th_put64(t, ROOT + 3 * 8, pte_of(0x80000000, PTE_RW | PTE_X | PTE_U | PTE_A | PTE_D));
    th_put64(t, ROOT + 2 * 8, pte_of(0x80000000, PTE_V | PTE_X | PTE_A));
    assert_int_equal(xlate(t, 0xc0000000, MMU_READ, &pa), EXC_LOAD_PAGE);
    h->mstatus |= MSTATUS_SUM;
    assert_int_equal(xlate(t, 0xc0000000, MMU_READ, &pa), 0);
    assert_int_equal(xlate(t, 0xc0000000, MMU_EXEC, &pa), EXC_INSN_PAGE);
    assert_int_equal(xlate(t, 0x80000000, MMU_READ, &pa), EXC_LOAD_PAGE);
    h->mstatus |= MSTATUS_MXR;
    assert_int_equal(xlate(t, 0x80000000, MMU_READ, &pa), 0);
    assert_int_equal(xlate(t, 0x80000000, MMU_WRITE, &pa), EXC_STORE_PAGE);
    h->priv = PRIV_U;
    assert_int_equal(xlate(t, 0xc0000000, MMU_EXEC, &pa), 0);
    assert_int_equal(xlate(t, 0x80000000, MMU_EXEC, &pa), EXC_INSN_PAGE);
    th_free(t);
}

/* Sv32: 4 MiB megapages from the root (10-bit VPNs, 4-byte PTEs), misaligned ones fault,
 * and a 4 KiB page through the second level gets A/D. */
static void test_sv32(void **state)
{
    (void)state;
    struct testhart *t = paging_hart(32);
    uint64_t pa;
    th_put32(t, ROOT + 0x300 * 4, (uint32_t)pte_of(0x80000000, PTE_RW | PTE_A | PTE_D));
    th_put32(t, ROOT + 0x301 * 4, (uint32_t)pte_of(0x80001000, PTE_RW | PTE_A | PTE_D));
    th_put32(t, ROOT + 0x100 * 4, (uint32_t)pte_of(L0, PTE_V));
    th_put32(t, L0 + 5 * 4, (uint32_t)pte_of(DATA, PTE_RW));
    assert_int_equal(xlate(t, 0xc0345678, MMU_READ, &pa), 0);
    assert_int_equal(pa, 0x80345678);
    assert_int_equal(xlate(t, 0xc0400000, MMU_READ, &pa), EXC_LOAD_PAGE);
    assert_int_equal(xlate(t, 0x40005008, MMU_WRITE, &pa), 0);
    assert_int_equal(pa, DATA + 8);
    assert_int_equal(th_get(t, L0 + 5 * 4, 4), pte_of(DATA, PTE_RW | PTE_A | PTE_D));
    assert_int_equal(xlate(t, 0x40006000, MMU_READ, &pa), EXC_LOAD_PAGE);
    th_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sv39_gigapage),
        cmocka_unit_test(test_sv39_misaligned_superpage),
        cmocka_unit_test(test_sv39_accessed_dirty),
        cmocka_unit_test(test_sv39_write_without_read),
        cmocka_unit_test(test_sv39_noncanonical),
        cmocka_unit_test(test_sv39_user_bits),
        cmocka_unit_test(test_sv32),
    };
    return cmocka_run_group_tests_name("mmu", tests, NULL, NULL);
}

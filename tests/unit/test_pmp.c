/* Unit tests of physical memory protection: the access check (core/pmp.c, pmp_check) and
 * the lock rules of the pmpcfg/pmpaddr CSRs (core/csr.c), on a hart over a fake bus
 * (testhart.h).
 *
 * Sources: Privileged Architecture 1.12 section 3.7.1 (pmpcfg fields; TOR matches
 * pmpaddr[i-1] <= a < pmpaddr[i], with entry 0 bounded below by 0; NA4 a 4-byte region;
 * NAPOT 2^(ones+3) bytes; the lowest-numbered matching entry decides; an entry that matches
 * only part of an access fails it, whatever the privilege; with no match M succeeds and S/U
 * fail; L binds M, freezes the entry's pmpcfg and pmpaddr, and a locked TOR entry also
 * freezes pmpaddr[i-1]). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/pmp.h"
#include "testhart.h"

#define BASE 0x80001000ull

/* A hart whose PMP entries are all OFF (testhart's catch-all entry 15 removed). */
static struct testhart *bare_pmp_hart(unsigned xlen)
{
    struct testhart *t = th_new(xlen);
    t->h->pmpcfg[15] = 0;
    t->h->pmpaddr[15] = 0;
    return t;
}

static bool can(struct testhart *t, uint64_t pa, unsigned size, enum mmu_access acc, unsigned priv)
{
    return pmp_check(t->h, pa, size, acc, priv, NULL);
}

static void test_tor_bounds(void **state)
{
    (void)state;
    struct testhart *t = bare_pmp_hart(64);
    struct hart *h = t->h;
    h->pmpaddr[0] = BASE >> 2; /* lower bound only; entry 0 stays OFF */
    h->pmpaddr[1] = (BASE + 0x100) >> 2;
    h->pmpcfg[1] = PMP_A_TOR | PMP_R;
    assert_false(can(t, BASE - 4, 4, MMU_READ, PRIV_S)); /* no entry matches */
    assert_true(can(t, BASE, 4, MMU_READ, PRIV_S));
    assert_true(can(t, BASE + 0xfc, 4, MMU_READ, PRIV_U));
    assert_false(can(t, BASE + 0x100, 4, MMU_READ, PRIV_S)); /* top is exclusive */
    assert_false(can(t, BASE, 4, MMU_WRITE, PRIV_S));
    assert_false(can(t, BASE, 4, MMU_EXEC, PRIV_S));
    /* Straddling either end fails, even for M (partial match). */
    assert_false(can(t, BASE - 2, 4, MMU_READ, PRIV_S));
    assert_false(can(t, BASE + 0xfe, 4, MMU_READ, PRIV_S));
    assert_false(can(t, BASE + 0xfc, 8, MMU_READ, PRIV_M));
    /* M is not bound by an unlocked entry. */
    assert_true(can(t, BASE, 4, MMU_WRITE, PRIV_M));
    /* An empty range (pmpaddr[i-1] >= pmpaddr[i]) matches nothing. */
    h->pmpaddr[0] = (BASE + 0x100) >> 2;
    assert_false(can(t, BASE + 0x80, 4, MMU_READ, PRIV_S));
    assert_true(can(t, BASE + 0x80, 4, MMU_WRITE, PRIV_M));
    /* TOR in entry 0 starts at address 0. */
    h->pmpcfg[1] = 0;
    h->pmpaddr[0] = 0x1000 >> 2;
    h->pmpcfg[0] = PMP_A_TOR | PMP_R | PMP_W;
    assert_true(can(t, 0, 4, MMU_WRITE, PRIV_U));
    assert_true(can(t, 0xffc, 4, MMU_WRITE, PRIV_U));
    assert_false(can(t, 0x1000, 4, MMU_READ, PRIV_U));
    th_free(t);
}

static void test_na4_bounds(void **state)
{
    (void)state;
    struct testhart *t = bare_pmp_hart(32);
    struct hart *h = t->h;
    h->pmpaddr[0] = (BASE + 8) >> 2;
    h->pmpcfg[0] = PMP_A_NA4 | PMP_R | PMP_X;
    assert_true(can(t, BASE + 8, 4, MMU_READ, PRIV_S));
    assert_true(can(t, BASE + 10, 2, MMU_EXEC, PRIV_U));
    assert_false(can(t, BASE + 8, 4, MMU_WRITE, PRIV_S));
    assert_false(can(t, BASE + 4, 4, MMU_READ, PRIV_S));
    assert_false(can(t, BASE + 12, 4, MMU_READ, PRIV_S));
    assert_false(can(t, BASE + 8, 8, MMU_READ, PRIV_S)); /* 8 bytes: partial */
    assert_false(can(t, BASE + 4, 8, MMU_READ, PRIV_M));
    th_free(t);
}

static void test_napot_bounds(void **state)
{
    (void)state;
    struct testhart *t = bare_pmp_hart(64);
    struct hart *h = t->h;
    /* 4 KiB at BASE: nine trailing ones -> 2^(9+3) bytes. */
    h->pmpaddr[0] = (BASE >> 2) | 0x1ff;
    h->pmpcfg[0] = PMP_A_NAPOT | PMP_R | PMP_W;
    assert_true(can(t, BASE, 8, MMU_WRITE, PRIV_S));
    assert_true(can(t, BASE + 0xff8, 8, MMU_READ, PRIV_U));
    assert_false(can(t, BASE + 0x1000, 4, MMU_READ, PRIV_S));
    assert_false(can(t, BASE - 4, 4, MMU_READ, PRIV_S));
    assert_false(can(t, BASE + 0xffc, 8, MMU_READ, PRIV_M)); /* straddles the top */
    assert_false(can(t, BASE, 4, MMU_EXEC, PRIV_S));
    /* The smallest NAPOT region: no trailing one -> 8 bytes. */
    h->pmpaddr[0] = (BASE + 0x10) >> 2;
    assert_true(can(t, BASE + 0x10, 8, MMU_READ, PRIV_S));
    assert_false(can(t, BASE + 0x18, 4, MMU_READ, PRIV_S));
    assert_false(can(t, BASE + 0xc, 4, MMU_READ, PRIV_S));
    /* All ones (RV32: pmpaddr holds bits 33:2) covers everything. */
    struct testhart *t32 = bare_pmp_hart(32);
    t32->h->pmpaddr[0] = 0xffffffff;
    t32->h->pmpcfg[0] = PMP_A_NAPOT | PMP_R;
    assert_true(can(t32, 0, 4, MMU_READ, PRIV_U));
    assert_true(can(t32, 0xfffffffc, 4, MMU_READ, PRIV_U));
    assert_true(can(t32, 0x3fffffff8ull, 8, MMU_READ, PRIV_U));
    th_free(t32);
    th_free(t);
}

/* The lowest-numbered matching entry decides, whichever way. */
static void test_priority(void **state)
{
    (void)state;
    struct testhart *t = th_new(64); /* entry 15: everything allowed */
    struct hart *h = t->h;
    h->pmpaddr[2] = BASE >> 2;
    h->pmpcfg[2] = PMP_A_NA4; /* no permission */
    assert_false(can(t, BASE, 4, MMU_READ, PRIV_S));
    assert_true(can(t, BASE + 4, 4, MMU_READ, PRIV_S));
    /* A lower entry granting R over the word overrides entry 2. */
    h->pmpaddr[1] = (BASE >> 2) | 1; /* NAPOT 16 bytes */
    h->pmpcfg[1] = PMP_A_NAPOT | PMP_R;
    assert_true(can(t, BASE, 4, MMU_READ, PRIV_S));
    assert_false(can(t, BASE + 4, 4, MMU_WRITE, PRIV_S)); /* entry 1, not entry 15, decides */
    th_free(t);
}

/* A locked entry binds M as well; no match leaves M free and S/U denied. */
static void test_lock_binds_m(void **state)
{
    (void)state;
    struct testhart *t = bare_pmp_hart(64);
    struct hart *h = t->h;
    assert_true(can(t, BASE, 4, MMU_WRITE, PRIV_M));
    assert_false(can(t, BASE, 4, MMU_READ, PRIV_S));
    assert_false(can(t, BASE, 4, MMU_EXEC, PRIV_U));
    h->pmpaddr[0] = BASE >> 2;
    h->pmpcfg[0] = PMP_A_NA4 | PMP_R;
    assert_true(can(t, BASE, 4, MMU_WRITE, PRIV_M));
    h->pmpcfg[0] |= PMP_L;
    assert_false(can(t, BASE, 4, MMU_WRITE, PRIV_M));
    assert_false(can(t, BASE, 4, MMU_EXEC, PRIV_M));
    assert_true(can(t, BASE, 4, MMU_READ, PRIV_M));
    th_free(t);
}

/* `whole_page` is set only if one entry answers for every byte of the page. */
static void test_whole_page(void **state)
{
    (void)state;
    struct testhart *t = th_new(64);
    struct hart *h = t->h;
    bool whole = false;
    assert_true(pmp_check(h, BASE + 0x40, 4, MMU_READ, PRIV_S, &whole));
    assert_true(whole);
    h->pmpaddr[0] = (BASE + 0x800) >> 2;
    h->pmpcfg[0] = PMP_A_NA4;
    whole = true;
    assert_true(pmp_check(h, BASE + 0x40, 4, MMU_READ, PRIV_S, &whole));
    assert_false(whole);
    whole = true;
    assert_true(pmp_check(h, BASE + 0x1040, 4, MMU_READ, PRIV_S, &whole));
    assert_true(whole);
    th_free(t);
}

/* CSR rules (through hart_csr_poke, which applies WARL and lock rules). */
static void test_lock_csr_rules(void **state)
{
    (void)state;
    for (unsigned xlen = 32; xlen <= 64; xlen += 32) {
        struct testhart *t = th_new(xlen);
        struct hart *h = t->h;
        uint64_t v;
        assert_true(hart_csr_poke(h, CSR_PMPADDR0 + 1, BASE >> 2));
        assert_true(hart_csr_poke(h, CSR_PMPADDR0 + 2, (BASE + 0x100) >> 2));
        assert_true(hart_csr_poke(h, CSR_PMPADDR0 + 3, (BASE + 0x200) >> 2));
        /* Entry 0: NA4, locked; entry 2: TOR, locked; entries 1 and 3 unlocked. */
        uint64_t cfg = (uint64_t)(PMP_L | PMP_A_TOR | PMP_R) << 16 | (PMP_L | PMP_A_NA4 | PMP_R);
        assert_true(hart_csr_poke(h, CSR_PMPADDR0, BASE >> 2));
        assert_true(hart_csr_poke(h, CSR_PMPCFG0, cfg));
        /* Rewrite everything: locked bytes keep their value, unlocked bytes take it. */
        assert_true(hart_csr_poke(h, CSR_PMPCFG0, 0x01010101));
        assert_true(hart_csr_peek(h, CSR_PMPCFG0, &v));
        assert_int_equal(v, cfg | 0x01000100);
        assert_true(hart_csr_poke(h, CSR_PMPADDR0, 0x1234));
        assert_true(hart_csr_peek(h, CSR_PMPADDR0, &v));
        assert_int_equal(v, BASE >> 2);
        /* pmpaddr2 (locked) and pmpaddr1 (below a locked TOR entry) are frozen. */
        assert_true(hart_csr_poke(h, CSR_PMPADDR0 + 2, 0x1234));
        assert_true(hart_csr_peek(h, CSR_PMPADDR0 + 2, &v));
        assert_int_equal(v, (BASE + 0x100) >> 2);
        assert_true(hart_csr_poke(h, CSR_PMPADDR0 + 1, 0x1234));
        assert_true(hart_csr_peek(h, CSR_PMPADDR0 + 1, &v));
        assert_int_equal(v, BASE >> 2);
        /* pmpaddr3 (its entry 3 is unlocked, entry 4 OFF) still takes writes. */
        assert_true(hart_csr_poke(h, CSR_PMPADDR0 + 3, 0x1234));
        assert_true(hart_csr_peek(h, CSR_PMPADDR0 + 3, &v));
        assert_int_equal(v, 0x1234);
        /* The locked TOR entry binds M: [BASE, BASE + 0x100) is R only. */
        assert_true(can(t, BASE + 0x10, 4, MMU_READ, PRIV_M));
        assert_false(can(t, BASE + 0x10, 4, MMU_WRITE, PRIV_M));
        th_free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tor_bounds),     cmocka_unit_test(test_na4_bounds),
        cmocka_unit_test(test_napot_bounds),   cmocka_unit_test(test_priority),
        cmocka_unit_test(test_lock_binds_m),   cmocka_unit_test(test_whole_page),
        cmocka_unit_test(test_lock_csr_rules),
    };
    return cmocka_run_group_tests_name("pmp", tests, NULL, NULL);
}

/* A hart on a fake bus, for the core's cmocka unit tests (test_csr, test_trap, test_lrsc,
 * test_codecache): RAM at TH_RAM_BASE that the core reaches through `page_ptr` (and through
 * the load/store callbacks for pages it must watch), an MMIO window whose accesses are
 * counted, a "finisher" word whose store stops the hart (BUS_STOP), and nothing elsewhere (an
 * access fault). Also small encoders for the RV32I/RV64I instruction formats (Unprivileged
 * ISA 2.2-2.3, "Base Instruction Formats" and "Immediate Encoding Variants"), so tests write
 * programs as readable calls. Header-only so that each test is one .c file. */
#ifndef HARTLAB_TESTS_UNIT_TESTHART_H
#define HARTLAB_TESTS_UNIT_TESTHART_H

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hart_internal.h"

#define TH_RAM_BASE  0x80000000ull
#define TH_RAM_SIZE  0x10000ull
#define TH_MMIO_BASE 0x10000000ull
#define TH_MMIO_SIZE 0x1000ull
#define TH_FINISHER  0x00100000ull /* a store here stops the hart */
#define TH_NOWHERE   0x20000000ull /* nothing mapped */
#define TH_TRAP_VEC  0x80008000ull /* where tests point mtvec */

struct testhart {
    struct hart_bus bus;
    struct cluster *cl;
    struct code_cache *cc; /* the cluster's */
    struct hart *h;
    struct hart *h2; /* optional second hart in the same cluster */
    uint8_t *ram;
    uint64_t mmio_regs[TH_MMIO_SIZE / 8];
    unsigned mmio_loads, mmio_stores, bus_ram_stores;
    uint64_t last_store_addr, last_store_val;
};

static inline uint8_t *th_page_ptr(void *ctx, uint64_t paddr, bool write)
{
    struct testhart *t = ctx;
    (void)write;
    if (paddr >= TH_RAM_BASE && paddr < TH_RAM_BASE + TH_RAM_SIZE)
        return t->ram + ((paddr - TH_RAM_BASE) & ~(PAGE_SIZE - 1));
    return NULL;
}

static inline enum bus_status th_load(void *ctx, struct hart *h, uint64_t paddr, unsigned size,
                                      uint64_t *val)
{
    struct testhart *t = ctx;
    (void)h;
    if (paddr >= TH_RAM_BASE && paddr + size <= TH_RAM_BASE + TH_RAM_SIZE) {
        *val = host_read(t->ram + (paddr - TH_RAM_BASE), size);
        return BUS_OK;
    }
    if (paddr >= TH_MMIO_BASE && paddr + size <= TH_MMIO_BASE + TH_MMIO_SIZE) {
        t->mmio_loads++;
        *val = t->mmio_regs[(paddr - TH_MMIO_BASE) / 8];
        return BUS_OK;
    }
    return BUS_FAULT;
}

static inline enum bus_status th_store(void *ctx, struct hart *h, uint64_t paddr, unsigned size,
                                       uint64_t val)
{
    struct testhart *t = ctx;
    (void)h;
    t->last_store_addr = paddr;
    t->last_store_val = val;
    /* RAM pages holding cached code reach the bus through this callback. */
    if (paddr >= TH_RAM_BASE && paddr + size <= TH_RAM_BASE + TH_RAM_SIZE) {
        t->bus_ram_stores++;
        host_write(t->ram + (paddr - TH_RAM_BASE), size, val);
        return BUS_OK;
    }
    if (paddr >= TH_MMIO_BASE && paddr + size <= TH_MMIO_BASE + TH_MMIO_SIZE) {
        t->mmio_stores++;
        t->mmio_regs[(paddr - TH_MMIO_BASE) / 8] = val;
        return BUS_OK;
    }
    if (paddr == TH_FINISHER)
        return BUS_STOP;
    return BUS_FAULT;
}

/* Extensions of the integer configurations the tests use: RV32IMAC and RV64IMAC (F and D
 * are tested in test_fpu.c and tests/fp/). */
#define TH_EXT_IMAC (ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('C'))

static inline struct hart *th_add_hart(struct testhart *t, unsigned xlen, uint32_t ext,
                                       enum misaligned_policy mis, uint64_t hartid)
{
    struct hart_config cfg = {
        .xlen = xlen, .ext = ext, .hartid = hartid, .misaligned = mis, .time_divider = 1
    };
    struct hart *h = hart_new(&cfg, &t->bus, t->cl);
    hart_reset(h, TH_RAM_BASE);
    h->mtvec = TH_TRAP_VEC;
    /* Grant S and U all memory through the last PMP entry, as firmware does before it
     * leaves M: with PMP entries implemented, an S/U access no entry matches fails. */
    h->pmpaddr[15] = xlen == 32 ? 0xffffffffull : 0x003fffffffffffffull;
    h->pmpcfg[15] = PMP_A | PMP_R | PMP_W | PMP_X;
    return h;
}

/* `meson test` sets MALLOC_PERTURB_, which makes glibc fill every malloc'd block: for the
 * code cache's 32 MiB arena that is 32 MiB of page faults per test hart (seconds on a busy
 * machine). Turn it off for that one allocation only, so the rest keeps the check. */
static inline struct cluster *th_cluster_new(void)
{
    const char *perturb = getenv("MALLOC_PERTURB_");
    if (perturb)
        mallopt(M_PERTURB, 0);
    struct cluster *cl = cluster_new();
    if (perturb)
        mallopt(M_PERTURB, atoi(perturb));
    return cl;
}

static inline struct testhart *th_new_ext(unsigned xlen, uint32_t ext, enum misaligned_policy mis)
{
    struct testhart *t = calloc(1, sizeof *t);
    t->ram = calloc(1, TH_RAM_SIZE);
    t->bus =
        (struct hart_bus){ .ctx = t, .page_ptr = th_page_ptr, .load = th_load, .store = th_store };
    t->cl = th_cluster_new();
    t->cc = t->cl->cc;
    t->h = th_add_hart(t, xlen, ext, mis, 0);
    return t;
}

static inline struct testhart *th_new(unsigned xlen)
{
    return th_new_ext(xlen, TH_EXT_IMAC, MISALIGNED_TRAP);
}

static inline void th_free(struct testhart *t)
{
    cluster_free(t->cl); /* and its harts */
    free(t->ram);
    free(t);
}

/* Raw RAM access (as a debugger would: no cache coherence, for setting up before a run). */
static inline uint8_t *th_mem(struct testhart *t, uint64_t addr)
{
    if (addr < TH_RAM_BASE || addr >= TH_RAM_BASE + TH_RAM_SIZE)
        abort(); /* a test bug: the pc or a pointer left the fake RAM */
    return t->ram + (addr - TH_RAM_BASE);
}
static inline void th_put32(struct testhart *t, uint64_t addr, uint32_t v)
{
    host_write(th_mem(t, addr), 4, v);
}
static inline void th_put16(struct testhart *t, uint64_t addr, uint16_t v)
{
    host_write(th_mem(t, addr), 2, v);
}
static inline void th_put64(struct testhart *t, uint64_t addr, uint64_t v)
{
    host_write(th_mem(t, addr), 8, v);
}
static inline uint64_t th_get(struct testhart *t, uint64_t addr, unsigned size)
{
    return host_read(th_mem(t, addr), size);
}
/* Write `n` 32-bit instructions at `addr`; returns the address after them. */
static inline uint64_t th_prog(struct testhart *t, uint64_t addr, const uint32_t *w, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        th_put32(t, addr + 4 * k, w[k]);
    return addr + 4ull * n;
}
#define TH_PROG(t, addr, ...)                                                                      \
    th_prog((t), (addr), (const uint32_t[]){ __VA_ARGS__ },                                        \
            sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/* Step `n` instructions. */
static inline void th_steps(struct testhart *t, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        hart_step(t->h);
}

/* Put one instruction at the current pc and step it. True if it completed without a trap
 * (the pc is then past it). hart_step decodes without the code cache, so rewriting the
 * same address between calls is fine. */
static inline bool th_exec_on(struct testhart *t, struct hart *h, uint32_t insn)
{
    uint64_t traps = h->traps;
    if ((insn & 3) == 3)
        th_put32(t, h->pc, insn);
    else
        th_put16(t, h->pc, (uint16_t)insn);
    hart_step(h);
    return h->traps == traps;
}

static inline bool th_exec(struct testhart *t, uint32_t insn)
{
    return th_exec_on(t, t->h, insn);
}

static inline uint64_t th_csr(struct testhart *t, unsigned csr)
{
    uint64_t v = 0xdeadbeefdeadbeefull;
    hart_csr_peek(t->h, csr, &v);
    return v;
}

/* ---- instruction encoders (Unprivileged ISA 2.3 and chapter 24's opcode map) ---- */

enum {
    OP_LOAD = 0x03,
    OP_MISC_MEM = 0x0f,
    OP_IMM = 0x13,
    OP_AUIPC = 0x17,
    OP_IMM32 = 0x1b,
    OP_STORE = 0x23,
    OP_AMO = 0x2f,
    OP_OP = 0x33,
    OP_LUI = 0x37,
    OP_BRANCH = 0x63,
    OP_JALR = 0x67,
    OP_JAL = 0x6f,
    OP_SYSTEM = 0x73,
};

static inline uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
                             unsigned op)
{
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
static inline uint32_t enc_i(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{
    return ((uint32_t)imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
static inline uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned op)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5 & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((u & 0x1f) << 7) |
           op;
}
static inline uint32_t enc_b(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 12 & 1) << 31) | ((u >> 5 & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) |
           (f3 << 12) | ((u >> 1 & 0xf) << 8) | ((u >> 11 & 1) << 7) | OP_BRANCH;
}
static inline uint32_t enc_j(int32_t imm, unsigned rd)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 20 & 1) << 31) | ((u >> 1 & 0x3ff) << 21) | ((u >> 11 & 1) << 20) |
           ((u >> 12 & 0xff) << 12) | (rd << 7) | OP_JAL;
}

static inline uint32_t ADDI(unsigned rd, unsigned rs1, int32_t imm)
{
    return enc_i(imm, rs1, 0, rd, OP_IMM);
}
static inline uint32_t LUI(unsigned rd, uint32_t imm20)
{
    return (imm20 << 12) | (rd << 7) | OP_LUI;
}
static inline uint32_t ADD(unsigned rd, unsigned rs1, unsigned rs2)
{
    return enc_r(0, rs2, rs1, 0, rd, OP_OP);
}
static inline uint32_t MUL(unsigned rd, unsigned rs1, unsigned rs2)
{
    return enc_r(1, rs2, rs1, 0, rd, OP_OP);
}
/* Loads and stores: size 1/2/4/8 (signed loads). */
static inline uint32_t LOAD(unsigned size, unsigned rd, unsigned rs1, int32_t imm)
{
    unsigned f3 = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
    return enc_i(imm, rs1, f3, rd, OP_LOAD);
}
static inline uint32_t STORE(unsigned size, unsigned rs2, unsigned rs1, int32_t imm)
{
    unsigned f3 = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
    return enc_s(imm, rs2, rs1, f3, OP_STORE);
}
static inline uint32_t JAL(unsigned rd, int32_t off)
{
    return enc_j(off, rd);
}
static inline uint32_t BEQ(unsigned rs1, unsigned rs2, int32_t off)
{
    return enc_b(off, rs2, rs1, 0);
}
static inline uint32_t BNE(unsigned rs1, unsigned rs2, int32_t off)
{
    return enc_b(off, rs2, rs1, 1);
}
#define NOP     0x00000013u
#define ECALL   0x00000073u
#define EBREAK  0x00100073u
#define MRET    0x30200073u
#define WFI     0x10500073u
#define FENCE_I 0x0000100fu
#define JSELF   0x0000006fu /* jal x0, 0: spin */
/* csrrw/csrrs/csrrc (f3 1..3) and the immediate forms (f3 5..7). */
static inline uint32_t CSRR(unsigned f3, unsigned rd, unsigned csr, unsigned rs1_or_uimm)
{
    return (csr << 20) | (rs1_or_uimm << 15) | (f3 << 12) | (rd << 7) | OP_SYSTEM;
}
#define CSRRW(rd, csr, rs1)   CSRR(1, rd, csr, rs1)
#define CSRRS(rd, csr, rs1)   CSRR(2, rd, csr, rs1)
#define CSRRC(rd, csr, rs1)   CSRR(3, rd, csr, rs1)
#define CSRRWI(rd, csr, uimm) CSRR(5, rd, csr, uimm)
#define CSRRSI(rd, csr, uimm) CSRR(6, rd, csr, uimm)
#define CSRRCI(rd, csr, uimm) CSRR(7, rd, csr, uimm)
/* A extension: funct5 as in chapter 8's table; size 4 or 8. */
enum {
    AMO_ADD = 0x00,
    AMO_SWAP = 0x01,
    AMO_LR = 0x02,
    AMO_SC = 0x03,
    AMO_XOR = 0x04,
    AMO_OR = 0x08,
    AMO_AND = 0x0c,
    AMO_MIN = 0x10,
    AMO_MAX = 0x14,
    AMO_MINU = 0x18,
    AMO_MAXU = 0x1c,
};
static inline uint32_t AMO(unsigned f5, unsigned size, unsigned rd, unsigned rs1, unsigned rs2)
{
    return enc_r(f5 << 2, rs2, rs1, size == 4 ? 2 : 3, rd, OP_AMO);
}
#define LR(size, rd, rs1)      AMO(AMO_LR, size, rd, rs1, 0)
#define SC(size, rd, rs1, rs2) AMO(AMO_SC, size, rd, rs1, rs2)

/* Register numbers by ABI name, for readability. */
enum {
    X0 = 0,
    RA = 1,
    SP = 2,
    GP = 3,
    TP = 4,
    T0 = 5,
    T1 = 6,
    T2 = 7,
    S0 = 8,
    S1 = 9,
    A0 = 10,
    A1 = 11,
    A2 = 12,
    A3 = 13,
    A4 = 14,
    A5 = 15,
};

#endif

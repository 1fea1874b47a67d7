/* The GDB stub's target over a `struct machine` (see target_machine.h).
 *
 * Registers use GDB's RISC-V numbering (gdb/riscv-tdep.h, which QEMU also follows): x0-x31
 * = 0-31, pc = 32, f0-f31 = 33-64, CSR n = 65 + n (so fflags/frm/fcsr are 66/67/68) and the
 * virtual `priv` register = 65 + 4096. The target description (GDB manual G.5 "Standard
 * Target Features", RISC-V Features) lists org.gnu.gdb.riscv.cpu, .fpu when the hart has F
 * or D, .csr with every CSR hart_csr_peek can read, and .virtual (priv).
 *
 * Memory goes through the bus the harts use: RAM directly (writes keep cached code and
 * reservations coherent), devices through bus_load/bus_store — so reading a device
 * register from the debugger has the same side effects as a guest load (a UART receive
 * buffer read consumes a byte, a PLIC claim read claims).
 *
 * Reverse execution (docs/gdb.md "Going backwards"): the target keeps the machine's history
 * (platform/history.h) from the moment it is made. `bs`/`bc` go back through it; a step or
 * continue while the machine is at an earlier point re-executes history (same values, no
 * output repeated, recorded input replayed) and runs live again once it reaches the end.
 * Whatever the debugger changes (registers, memory, a device register it reads or writes,
 * a reset) is a change from outside: made in the past, it starts a new future there.
 */
#include "gdbstub/target_machine.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debug.h"
#include "core/disasm.h"
#include "core/hart.h"
#include "devices/clint.h"
#include "platform/machine.h"
#include "devices/plic.h"
#include "host/input.h"
#include "platform/history.h"

#define REG_PC   32
#define REG_F0   33
#define REG_CSR0 65
#define REG_PRIV (REG_CSR0 + 4096)
#define NUM_CSRS 4096

struct machine_target {
    struct machine *m;
    char *xml;
    /* Whether a single step may enter a pending interrupt's handler. Off by default, as
     * QEMU does: with a timer firing every few thousand cycles, `stepi`/`next` would
     * otherwise keep landing in the handler instead of on the next line. */
    bool step_irq;
    /* Breakpoints inserted since the last resume: GDB single-steps RISC-V in software (a
     * temporary breakpoint on the next instruction, then continue), so a continue with a
     * fresh breakpoint at pc + length is a step and gets step-irq's treatment. */
    uint64_t fresh[8];
    unsigned nfresh;
    /* The thread GDB selected (Hg) or read the pc of last: the one it is about to step (it
     * selects it, reads its pc and its instructions to place that breakpoint). With several
     * harts at the same pc, only that one steps. */
    unsigned pc_thread;
};

/* ---- a growing string ---- */

struct sbuf {
    char *p;
    size_t len, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
        char *p = realloc(b->p, cap);
        if (!p)
            return;
        b->p = p;
        b->cap = cap;
    }
}

/* Append to a fixed buffer (monitor output), truncating. */
static void out_printf(char *out, size_t outlen, const char *fmt, ...)
{
    size_t len = strlen(out);
    if (len + 1 >= outlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + len, outlen - len, fmt, ap);
    va_end(ap);
}

/* ---- target description ---- */

static const char *const gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const fpr_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static bool is_fp_csr(unsigned csr)
{
    return csr == CSR_FFLAGS || csr == CSR_FRM || csr == CSR_FCSR;
}

static char *build_xml(struct machine *m)
{
    struct hart *h = machine_hart(m, 0);
    unsigned x = hart_xlen(h);
    struct sbuf b = { 0 };
    sb_printf(&b,
              "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
              "<target version=\"1.0\">\n<architecture>riscv:rv%u</architecture>\n"
              "<feature name=\"org.gnu.gdb.riscv.cpu\">\n",
              x);
    for (unsigned r = 0; r < 32; r++)
        sb_printf(&b, "  <reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"/>\n",
                  gpr_names[r], x, r == 2 || r == 8 ? "data_ptr" : "int", r);
    sb_printf(&b,
              "  <reg name=\"pc\" bitsize=\"%u\" type=\"code_ptr\" regnum=\"%u\"/>\n"
              "</feature>\n",
              x, REG_PC);
    if (hart_ext(h) & (ISA_EXT('F') | ISA_EXT('D'))) {
        bool d = hart_ext(h) & ISA_EXT('D');
        sb_printf(&b, "<feature name=\"org.gnu.gdb.riscv.fpu\">\n");
        for (unsigned r = 0; r < 32; r++)
            sb_printf(&b, "  <reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"/>\n",
                      fpr_names[r], d ? 64 : 32, d ? "ieee_double" : "ieee_single", REG_F0 + r);
        sb_printf(&b,
                  "  <reg name=\"fflags\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
                  "  <reg name=\"frm\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
                  "  <reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
                  "</feature>\n",
                  REG_CSR0 + CSR_FFLAGS, REG_CSR0 + CSR_FRM, REG_CSR0 + CSR_FCSR);
    }
    sb_printf(&b, "<feature name=\"org.gnu.gdb.riscv.csr\">\n");
    for (unsigned c = 0; c < NUM_CSRS; c++) {
        uint64_t v;
        if (is_fp_csr(c) || !hart_csr_peek(h, c, &v))
            continue;
        const char *name = disasm_csr_name(c);
        char fallback[16];
        if (!name) {
            snprintf(fallback, sizeof fallback, "csr%u", c);
            name = fallback;
        }
        sb_printf(&b, "  <reg name=\"%s\" bitsize=\"%u\" type=\"int\" regnum=\"%u\"/>\n", name, x,
                  REG_CSR0 + c);
    }
    sb_printf(&b,
              "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
              "  <reg name=\"priv\" bitsize=\"%u\" type=\"int\" regnum=\"%u\"/>\n"
              "</feature>\n</target>\n",
              x, REG_PRIV);
    return b.p;
}

struct machine_target *machine_target_new(struct machine *m)
{
    struct machine_target *mt = calloc(1, sizeof *mt);
    if (!mt)
        return NULL;
    mt->m = m;
    mt->xml = build_xml(m);
    if (!mt->xml) {
        free(mt);
        return NULL;
    }
    char err[160];
    if (!m->history && !history_start(m, NULL, err, sizeof err))
        fprintf(stderr, "hartlab: gdb: no reverse execution: %s\n", err);
    return mt;
}

void machine_target_free(struct machine_target *mt)
{
    if (!mt)
        return;
    for (unsigned k = 0; k < machine_nharts(mt->m); k++)
        debug_detach(machine_hart(mt->m, k));
    free(mt->xml);
    free(mt);
}

/* ---- ops ---- */

static unsigned mt_nthreads(void *t)
{
    return machine_nharts(((struct machine_target *)t)->m);
}

static const char *mt_target_xml(void *t)
{
    return ((struct machine_target *)t)->xml;
}

static unsigned mt_g_count(void *t)
{
    (void)t;
    return 33; /* x0-x31 and pc; GDB fetches the rest with `p` */
}

static struct hart *hart_of(struct machine_target *mt, unsigned thread)
{
    return thread >= 1 && thread <= machine_nharts(mt->m) ? machine_hart(mt->m, thread - 1)
                                                          : machine_hart(mt->m, 0);
}

static unsigned mt_read_reg(void *t, unsigned thread, unsigned regno, uint64_t *val,
                            bool *available)
{
    struct machine_target *mt = t;
    struct hart *h = hart_of(mt, thread);
    unsigned bytes = hart_xlen(h) / 8;
    uint64_t xmask = xlen_mask(hart_xlen(h));
    *available = true;
    if (regno < 32) {
        *val = hart_reg(h, regno);
        return bytes;
    }
    if (regno == REG_PC) {
        *val = hart_pc(h) & xmask;
        mt->pc_thread = thread;
        return bytes;
    }
    bool has_f = hart_ext(h) & (ISA_EXT('F') | ISA_EXT('D'));
    if (regno >= REG_F0 && regno < REG_F0 + 32) {
        if (!has_f)
            return 0;
        bool d = hart_ext(h) & ISA_EXT('D');
        uint64_t f = hart_freg(h, regno - REG_F0);
        *val = d ? f : f & 0xffffffffull;
        return d ? 8 : 4;
    }
    if (regno == REG_PRIV) {
        *val = hart_priv(h);
        return bytes;
    }
    if (regno >= REG_CSR0 && regno < REG_CSR0 + NUM_CSRS) {
        unsigned csr = regno - REG_CSR0;
        if (!hart_csr_peek(h, csr, val))
            return 0;
        *val &= xmask;
        return is_fp_csr(csr) ? 4 : bytes;
    }
    return 0;
}

static bool write_reg(struct machine_target *mt, unsigned thread, unsigned regno, uint64_t val);

/* The debugger changed the machine: history records it (and, in the past, starts a new
 * future there). */
static void changed(struct machine_target *mt)
{
    history_external_change(mt->m->history);
}

static bool mt_write_reg(void *t, unsigned thread, unsigned regno, uint64_t val)
{
    struct machine_target *mt = t;
    bool ok = write_reg(mt, thread, regno, val);
    if (ok)
        changed(mt);
    return ok;
}

static bool write_reg(struct machine_target *mt, unsigned thread, unsigned regno, uint64_t val)
{
    struct hart *h = hart_of(mt, thread);
    if (regno < 32) {
        hart_set_reg(h, regno, val);
        return true;
    }
    if (regno == REG_PC) {
        /* As the debug spec's dpc: bit 0 is always 0, and bit 1 too on a hart without C
         * (IALIGN 32), so the hart never fetches from an address it could not jump to.
         * hart_set_pc also ends a wfi wait: the debugger moved the hart. */
        hart_set_pc(h, val & ~(uint64_t)(hart_ext(h) & ISA_EXT('C') ? 1 : 3));
        return true;
    }
    if (regno >= REG_F0 && regno < REG_F0 + 32) {
        if (!(hart_ext(h) & (ISA_EXT('F') | ISA_EXT('D'))))
            return false;
        /* A single written through the debugger is NaN-boxed as the F extension stores it. */
        hart_set_freg(h, regno - REG_F0,
                      (hart_ext(h) & ISA_EXT('D')) ? val : val | 0xffffffff00000000ull);
        return true;
    }
    if (regno == REG_PRIV) {
        if (val != PRIV_M && val != PRIV_U)
            return false;
        hart_set_priv(h, (enum priv)val);
        return true;
    }
    if (regno >= REG_CSR0 && regno < REG_CSR0 + NUM_CSRS)
        return hart_csr_poke(h, regno - REG_CSR0, val);
    return false;
}

static bool natural(uint64_t addr, size_t len)
{
    return (len == 1 || len == 2 || len == 4 || len == 8) && !(addr & (len - 1));
}

/* The device registers in [addr, addr + len) read without effect, in the accesses
 * mt_read_mem would make; false (nothing read) if one of them cannot be. */
static bool peek_all(struct machine *m, uint64_t addr, uint8_t *buf, size_t len)
{
    uint64_t v;
    if (natural(addr, len)) {
        if (!bus_peek(&m->bus, addr, (unsigned)len, &v))
            return false;
        for (size_t k = 0; k < len; k++)
            buf[k] = (uint8_t)(v >> (8 * k));
        return true;
    }
    for (size_t k = 0; k < len; k++) {
        if (!bus_peek(&m->bus, addr + k, 1, &v))
            return false;
        buf[k] = (uint8_t)v;
    }
    return true;
}

static bool mt_read_mem(void *t, uint64_t addr, uint8_t *buf, size_t len)
{
    struct machine *m = ((struct machine_target *)t)->m;
    if (len == 0)
        return true;
    uint8_t *p = bus_ram_ptr(&m->bus, addr, len);
    if (p) {
        memcpy(buf, p, len);
        return true;
    }
    /* A device register: one access of its natural size when GDB asks for one. Read
     * without effect where the device can (bus_peek: a timer, a GPIO, a UART's status), so
     * that looking changes nothing, history included; a read that changes the device (a
     * receive buffer) is a change from outside, which starts a new future there. */
    const struct bus_region *r = bus_find(&m->bus, addr);
    if (!r)
        return false;
    if (peek_all(m, addr, buf, len))
        return true;
    if (r->ops)
        history_external_change(m->history);
    if (natural(addr, len)) {
        uint64_t v;
        if (bus_load(&m->bus, addr, (unsigned)len, &v) != BUS_OK)
            return false;
        for (size_t k = 0; k < len; k++)
            buf[k] = (uint8_t)(v >> (8 * k));
        return true;
    }
    for (size_t k = 0; k < len; k++) {
        uint64_t v;
        if (bus_load(&m->bus, addr + k, 1, &v) != BUS_OK)
            return false;
        buf[k] = (uint8_t)v;
    }
    return true;
}

static bool write_mem(struct machine *m, uint64_t addr, const uint8_t *buf, size_t len);

static bool mt_write_mem(void *t, uint64_t addr, const uint8_t *buf, size_t len)
{
    struct machine *m = ((struct machine_target *)t)->m;
    bool ok = write_mem(m, addr, buf, len);
    if (ok && len)
        history_external_change(m->history);
    return ok;
}

static bool write_mem(struct machine *m, uint64_t addr, const uint8_t *buf, size_t len)
{
    if (len == 0)
        return true;
    if (bus_ram_ptr(&m->bus, addr, len))
        return machine_write_mem(m, addr, buf, len);
    if (natural(addr, len)) {
        uint64_t v = 0;
        for (size_t k = 0; k < len; k++)
            v |= (uint64_t)buf[k] << (8 * k);
        return bus_store(&m->bus, addr, (unsigned)len, v) != BUS_FAULT;
    }
    for (size_t k = 0; k < len; k++)
        if (bus_store(&m->bus, addr + k, 1, buf[k]) == BUS_FAULT)
            return false;
    return true;
}

static const char *cause_name(uint64_t code, bool irq)
{
    static const char *const irqs[16] = {
        [1] = "supervisor software interrupt", [3] = "machine software interrupt",
        [5] = "supervisor timer interrupt",    [7] = "machine timer interrupt",
        [9] = "supervisor external interrupt", [11] = "machine external interrupt",
    };
    static const char *const excs[16] = {
        "instruction address misaligned",
        "instruction access fault",
        "illegal instruction",
        "breakpoint",
        "load address misaligned",
        "load access fault",
        "store/AMO address misaligned",
        "store/AMO access fault",
        "environment call from U-mode",
        "environment call from S-mode",
        NULL,
        "environment call from M-mode",
        "instruction page fault",
        "load page fault",
        NULL,
        "store/AMO page fault",
    };
    const char *n = code < 16 ? (irq ? irqs[code] : excs[code]) : NULL;
    return n ? n : (irq ? "interrupt" : "exception");
}

/* Turn a hart's debug stop into a GDB stop. */
static void fill_stop(struct machine_target *mt, unsigned k, struct gdb_stop *out)
{
    struct hart *h = machine_hart(mt->m, k);
    struct hart_debug *d = hart_debug(h);
    out->signal = GDB_SIGTRAP;
    out->thread = k + 1;
    if (!d)
        return;
    if (d->stop_kind == DEBUG_STOP_WATCH) {
        out->watch = d->stop_watch == DEBUG_WATCH_WRITE  ? GDB_WATCH_WRITE
                     : d->stop_watch == DEBUG_WATCH_READ ? GDB_WATCH_READ
                                                         : GDB_WATCH_ACCESS;
        out->watch_addr = d->stop_addr;
    } else if (d->stop_kind == DEBUG_STOP_TRAP) {
        uint64_t intbit = 1ull << (hart_xlen(h) - 1);
        bool irq = d->stop_cause & intbit;
        uint64_t code = d->stop_cause & ~intbit;
        snprintf(out->message, sizeof out->message,
                 "hart %u took %s %" PRIu64 " (%s) at pc 0x%" PRIx64
                 "; stopped at the handler, pc 0x%" PRIx64 "\n",
                 k, irq ? "interrupt" : "exception", code, cause_name(code, irq), d->stop_epc,
                 hart_pc(h));
    }
    d->stop_kind = DEBUG_STOP_NONE;
}

static int exit_code(const struct machine *m)
{
    return m->exit_code >= 0 && m->exit_code <= 255 ? m->exit_code : 255;
}

/* The outcome of machine_run as a GDB stop. */
static void run_result(struct machine_target *mt, int rc, struct gdb_stop *out)
{
    struct machine *m = mt->m;
    if (rc == MACHINE_RUN_STOPPED) {
        if (m->break_hart) {
            unsigned k = 0;
            while (k < machine_nharts(m) && machine_hart(m, k) != m->break_hart)
                k++;
            m->break_hart = NULL;
            fill_stop(mt, k < machine_nharts(m) ? k : 0, out);
        } else {
            out->signal = GDB_SIGINT;
        }
        return;
    }
    if (rc == MACHINE_EXIT_HANG) {
        out->signal = GDB_SIGTRAP;
        out->hung = true;
        out->exit_code = MACHINE_EXIT_HANG;
        /* The machine's own line: all harts in wfi, or one stuck in a loop (and why). */
        snprintf(out->message, sizeof out->message, "%.*s\n", (int)sizeof out->message - 2,
                 m->stop_line);
        return;
    }
    out->exited = true;
    out->exit_code = rc;
}

/* What stops a run the debugger started: the client (Ctrl-C, a packet), and for a step of a
 * hart waiting in wfi, that hart becoming able to wake. */
struct wake_wait {
    struct hart *h; /* NULL: only the client */
    gdb_poll_fn poll;
    void *ctx;
};

static bool poll_stop(void *ctx, struct machine *m)
{
    struct wake_wait *w = ctx;
    return (w->h && hart_irq_wakeup(w->h)) || w->poll(w->ctx);
}

/* x`reg` of hart h as a signed XLEN value. */
static int64_t sreg(const struct hart *h, unsigned reg)
{
    uint64_t v = hart_reg(h, reg);
    return hart_xlen(h) == 32 ? (int64_t)(int32_t)v : (int64_t)v;
}

/* Sign-extend the low `bits` bits of v. */
static int64_t sx(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* The instruction at addr (16 or 32 bits; *len gets 2 or 4), or false if addr is not memory:
 * only memory holds instructions, and reading a device's registers here would have their
 * side effects. */
static bool insn_at(struct machine_target *mt, uint64_t addr, uint32_t *insn, unsigned *len)
{
    const uint8_t *b = bus_ram_ptr(&mt->m->bus, addr, 2);
    if (!b)
        return false;
    uint32_t i = (uint32_t)b[0] | (uint32_t)b[1] << 8;
    *len = 2;
    if ((i & 3) == 3) {
        const uint8_t *b2 = bus_ram_ptr(&mt->m->bus, addr + 2, 2);
        if (!b2)
            return false;
        i |= (uint32_t)b2[0] << 16 | (uint32_t)b2[1] << 24;
        *len = 4;
    }
    *insn = i;
    return true;
}

/* A conditional branch's offset (B-type, Unprivileged ISA 2.5; CB-type, chapter 16). */
static int64_t b_offset(uint32_t i)
{
    return sx((i >> 31) << 12 | ((i >> 7) & 1) << 11 | ((i >> 25) & 0x3f) << 5 |
                  ((i >> 8) & 0xf) << 1,
              13);
}

static int64_t cb_offset(uint32_t i)
{
    return sx(((i >> 12) & 1) << 8 | ((i >> 10) & 3) << 3 | ((i >> 5) & 3) << 6 |
                  ((i >> 3) & 3) << 1 | ((i >> 2) & 1) << 5,
              9);
}

/* Where hart h goes after the instruction at its pc, as GDB's software single step works it
 * out (RISC-V has no hardware step for GDB to use): the taken or untaken way of a branch, a
 * jump's target, pc + length otherwise. *len gets pc + length. Unprivileged ISA chapters
 * 2.5 (control transfer) and 16 (C: c.j, c.jal, c.jr, c.jalr, c.beqz, c.bnez). */
static uint64_t next_pc(struct machine_target *mt, struct hart *h, uint64_t *after)
{
    uint64_t pc = hart_pc(h), mask = xlen_mask(hart_xlen(h));
    uint32_t i;
    unsigned len;
    *after = pc;
    if (!insn_at(mt, pc, &i, &len))
        return pc;
    *after = (pc + len) & mask;
    if (len == 4) {
        unsigned rs1 = (i >> 15) & 31, rs2 = (i >> 20) & 31;
        switch (i & 0x7f) {
        case 0x6f: /* jal */
            return (pc + (uint64_t)sx((i >> 31) << 20 | ((i >> 12) & 0xff) << 12 |
                                          ((i >> 20) & 1) << 11 | ((i >> 21) & 0x3ff) << 1,
                                      21)) &
                   mask;
        case 0x67: /* jalr */ return (hart_reg(h, rs1) + (uint64_t)sx(i >> 20, 12)) & mask & ~1ull;
        case 0x63: { /* branches */
            int64_t a = sreg(h, rs1), c = sreg(h, rs2);
            uint64_t ua = hart_reg(h, rs1), uc = hart_reg(h, rs2);
            bool taken;
            switch ((i >> 12) & 7) {
            case 0: taken = a == c; break;
            case 1: taken = a != c; break;
            case 4: taken = a < c; break;
            case 5: taken = a >= c; break;
            case 6: taken = ua < uc; break;
            case 7: taken = ua >= uc; break;
            default: return *after;
            }
            return taken ? (pc + (uint64_t)b_offset(i)) & mask : *after;
        }
        default: return *after;
        }
    }
    unsigned f3 = (i >> 13) & 7, quadrant = i & 3;
    if (quadrant == 1 && (f3 == 5 || (f3 == 1 && hart_xlen(h) == 32))) { /* c.j, c.jal */
        uint64_t off = ((i >> 12) & 1) << 11 | ((i >> 11) & 1) << 4 | ((i >> 9) & 3) << 8 |
                       ((i >> 8) & 1) << 10 | ((i >> 7) & 1) << 6 | ((i >> 6) & 1) << 7 |
                       ((i >> 3) & 7) << 1 | ((i >> 2) & 1) << 5;
        return (pc + (uint64_t)sx(off, 12)) & mask;
    }
    if (quadrant == 1 && (f3 == 6 || f3 == 7)) { /* c.beqz, c.bnez */
        uint64_t v = hart_reg(h, 8 + ((i >> 7) & 7));
        bool taken = f3 == 6 ? v == 0 : v != 0;
        return taken ? (pc + (uint64_t)cb_offset(i)) & mask : *after;
    }
    unsigned rs1 = (i >> 7) & 31;
    if (quadrant == 2 && f3 == 4 && ((i >> 2) & 31) == 0 && rs1 != 0) /* c.jr, c.jalr */
        return hart_reg(h, rs1) & mask & ~1ull;
    return *after;
}

/* An A-extension instruction's funct5 (Unprivileged ISA 8.2), or -1 for anything else. */
static int amo_funct5(uint32_t i, unsigned len)
{
    if (len != 4 || (i & 0x7f) != 0x2f || (((i >> 12) & 7) != 2 && ((i >> 12) & 7) != 3))
        return -1;
    return (int)(i >> 27);
}

/* A bne (or c.bnez, a bne against x0): its target from addr, or false for anything else. */
static bool bne_target(uint32_t i, unsigned len, uint64_t addr, uint64_t *target)
{
    if (len == 4 && (i & 0x7f) == 0x63 && ((i >> 12) & 7) == 1)
        *target = addr + (uint64_t)b_offset(i);
    else if (len == 2 && (i & 3) == 1 && ((i >> 13) & 7) == 7)
        *target = addr + (uint64_t)cb_offset(i);
    else
        return false;
    return true;
}

/* GDB cannot single-step into an LR/SC sequence (a breakpoint inside it would break the
 * reservation on hardware), so at an LR it looks for the compare-and-swap loop compilers
 * emit, `lr; bne exit; sc; bne lr`, with `exit` right after the sequence, and puts its one
 * breakpoint at that end (GDB's RISC-V "atomic sequence" step). True, with *end, if hart h
 * is at the start of such a sequence. */
static bool lrsc_sequence(struct machine_target *mt, struct hart *h, uint64_t *end)
{
    uint64_t pc = hart_pc(h), mask = xlen_mask(hart_xlen(h)), at = pc, exit_at, back;
    uint32_t i;
    unsigned len;
    if (!insn_at(mt, at, &i, &len) || amo_funct5(i, len) != 2) /* lr */
        return false;
    at += len;
    if (!insn_at(mt, at, &i, &len) || !bne_target(i, len, at, &exit_at))
        return false;
    at += len;
    if (!insn_at(mt, at, &i, &len) || amo_funct5(i, len) != 3) /* sc */
        return false;
    at += len;
    if (!insn_at(mt, at, &i, &len) || !bne_target(i, len, at, &back) || (back & mask) != pc)
        return false;
    at += len;
    if ((at & mask) != (exit_at & mask))
        return false;
    *end = at & mask;
    return true;
}

/* How GDB just resumed hart h, judged by the breakpoints it inserted for this resume. */
enum gdb_step {
    NOT_A_STEP,
    STEP_ONE,   /* a breakpoint where its next instruction will be: a single step */
    STEP_ATOMIC /* a breakpoint at the end of the LR/SC sequence it is at: step through it */
};

static bool fresh_at(const struct machine_target *mt, uint64_t addr)
{
    for (unsigned k = 0; k < mt->nfresh; k++)
        if (mt->fresh[k] == addr)
            return true;
    return false;
}

static enum gdb_step software_step(struct machine_target *mt, struct hart *h)
{
    uint64_t after, next = next_pc(mt, h, &after), end;
    if (fresh_at(mt, next) || fresh_at(mt, after))
        return STEP_ONE;
    if (lrsc_sequence(mt, h, &end) && fresh_at(mt, end))
        return STEP_ATOMIC;
    return NOT_A_STEP;
}

/* A move through history as a GDB stop. */
static void history_result(struct machine_target *mt, const struct history_stop *hs,
                           struct gdb_stop *out)
{
    struct machine *m = mt->m;
    out->signal = GDB_SIGTRAP;
    out->thread = hs->hart + 1;
    if (hs->result == HISTORY_BEGIN) {
        out->replaylog = "begin";
    } else if (hs->result == HISTORY_DIVERGED) {
        snprintf(out->message, sizeof out->message,
                 "hartlab: re-executing history did not reproduce the run (see hartlab's "
                 "standard error); the machine is at step %" PRIu64 "\n",
                 machine_position(m));
    } else if (hs->result == HISTORY_STOPPED && hs->kind == DEBUG_STOP_WATCH) {
        out->watch = hs->watch == DEBUG_WATCH_WRITE  ? GDB_WATCH_WRITE
                     : hs->watch == DEBUG_WATCH_READ ? GDB_WATCH_READ
                                                     : GDB_WATCH_ACCESS;
        out->watch_addr = hs->addr;
    } else if (hs->result == HISTORY_STOPPED && hs->kind == DEBUG_STOP_TRAP) {
        struct hart *h = machine_hart(m, hs->hart);
        uint64_t intbit = 1ull << (hart_xlen(h) - 1);
        bool irq = hs->cause & intbit;
        uint64_t code = hs->cause & ~intbit;
        snprintf(out->message, sizeof out->message,
                 "hart %u took %s %" PRIu64 " (%s) at pc 0x%" PRIx64
                 "; stopped at the handler, pc 0x%" PRIx64 "\n",
                 hs->hart, irq ? "interrupt" : "exception", code, cause_name(code, irq), hs->epc,
                 hart_pc(h));
    }
}

static void mt_reverse_step(void *t, unsigned thread, struct gdb_stop *out)
{
    struct machine_target *mt = t;
    struct machine *m = mt->m;
    unsigned k = thread >= 1 && thread <= machine_nharts(m) ? thread - 1 : 0;
    struct history_stop hs;
    mt->nfresh = 0;
    history_step_back(m->history, k, &hs);
    history_result(mt, &hs, out);
}

static void mt_reverse_cont(void *t, struct gdb_stop *out)
{
    struct machine_target *mt = t;
    struct history_stop hs;
    mt->nfresh = 0;
    history_continue_back(mt->m->history, &hs);
    history_result(mt, &hs, out);
}

/* Forwards while the machine is in the past: along history, as the run went the first time.
 * True when that answered the resume; false at the end of history (run live from there). */
static bool forward_in_history(struct machine_target *mt, int step_hart, struct gdb_stop *out)
{
    struct machine *m = mt->m;
    if (!history_in_past(m->history))
        return false;
    struct history_stop hs;
    if (step_hart >= 0)
        history_step_forward(m->history, (unsigned)step_hart, &hs);
    else
        history_continue_forward(m->history, &hs);
    mt->nfresh = 0;
    if (hs.result == HISTORY_END && step_hart < 0)
        return false; /* the present: go on live */
    if (hs.result == HISTORY_END) {
        /* The step ended exactly at the present, or history ended before it: */
        return false;
    }
    history_result(mt, &hs, out);
    return true;
}

/* Instructions an LR/SC sequence may take the stepped hart to reach its end: four, or a few
 * rounds if its SC fails (only something other than a hart can break the reservation then,
 * a device's DMA); past this the whole machine runs to GDB's breakpoint, as on hardware. */
#define ATOMIC_STEPS 64

static void mt_cont(void *t, uint32_t threads, gdb_poll_fn poll, void *ctx, struct gdb_stop *out)
{
    struct machine_target *mt = t;
    struct machine *m = mt->m;
    uint32_t all = machine_nharts(m) >= 32 ? UINT32_MAX : (1u << machine_nharts(m)) - 1;
    if (!(threads & all))
        threads = all; /* nothing that exists: as a plain continue */
    if (history_in_past(m->history)) {
        int stepper = -1;
        for (unsigned k = 0; k < machine_nharts(m) && stepper < 0; k++)
            if ((threads & (1u << k)) && software_step(mt, machine_hart(m, k)) == STEP_ONE &&
                (k + 1 == mt->pc_thread || mt->pc_thread == 0))
                stepper = (int)k;
        if (forward_in_history(mt, stepper, out))
            return;
    }
    /* A hart sitting on a breakpoint executes that instruction first, or it would stop
     * again at once (GDB normally steps over it itself; this covers other clients). The hart
     * GDB is single-stepping executes it as a step, so that step-irq applies, and alone:
     * stepping one hart leaves the others where they are (docs/gdb.md). */
    int stepper = -1;
    for (unsigned k = 0; k < machine_nharts(m) && stepper < 0; k++) {
        struct hart *h = machine_hart(m, k);
        if ((threads & (1u << k)) && !hart_waiting(h) && software_step(mt, h) &&
            (k + 1 == mt->pc_thread || mt->pc_thread == 0))
            stepper = (int)k;
    }
    for (unsigned k = 0; k < machine_nharts(m) && stepper < 0; k++)
        if ((threads & (1u << k)) && !hart_waiting(machine_hart(m, k)) &&
            software_step(mt, machine_hart(m, k)))
            stepper = (int)k;
    /* Through an LR/SC sequence the stepped hart goes alone too, instruction by
     * instruction, to GDB's breakpoint at its end: with the others still, its SC succeeds
     * at the first try. */
    enum gdb_step kind =
        stepper >= 0 ? software_step(mt, machine_hart(m, (unsigned)stepper)) : NOT_A_STEP;
    for (unsigned k = 0; k < machine_nharts(m); k++) {
        struct hart *h = machine_hart(m, k);
        if (!(threads & (1u << k)) || hart_waiting(h) || !debug_attach(h))
            continue;
        if (stepper >= 0 && (int)k != stepper)
            continue;
        struct hart_debug *d = hart_debug(h);
        bool stepping = (int)k == stepper;
        if (!stepping && !debug_break_at(d, hart_pc(h)))
            continue;
        unsigned steps = stepping && kind == STEP_ATOMIC ? ATOMIC_STEPS : 1;
        for (unsigned s = 0; s < steps; s++) {
            uint64_t traps = hart_traps(h);
            d->stop_kind = DEBUG_STOP_NONE;
            d->mask_irq = stepping && !mt->step_irq;
            enum hart_stop st = machine_step_hart(m, k);
            d->mask_irq = false;
            if (m->exited) {
                out->exited = true;
                out->exit_code = exit_code(m);
                return;
            }
            if (st == HART_STOP_BREAK || (stepping && hart_traps(h) != traps) ||
                debug_break_at(d, hart_pc(h))) {
                /* A watchpoint, a trap break, a step into a handler, the next breakpoint
                 * (the end of an LR/SC sequence among them). */
                fill_stop(mt, k, out);
                mt->nfresh = 0;
                return;
            }
        }
    }
    mt->nfresh = 0;
    m->break_hart = NULL;
    struct wake_wait w = { NULL, poll, ctx };
    machine_listen_stop_poll(m, poll_stop, &w);
    m->frozen = all & ~threads;
    int rc = machine_run(m);
    m->frozen = 0;
    machine_unlisten_stop_poll(m, poll_stop, &w);
    run_result(mt, rc, out);
}

static void mt_step(void *t, unsigned thread, gdb_poll_fn poll, void *ctx, struct gdb_stop *out)
{
    struct machine_target *mt = t;
    struct machine *m = mt->m;
    unsigned k = thread >= 1 && thread <= machine_nharts(m) ? thread - 1 : 0;
    struct hart *h = machine_hart(m, k);
    if (forward_in_history(mt, (int)k, out))
        return;
    if (!debug_attach(h)) {
        out->signal = GDB_SIGTRAP;
        out->thread = k + 1;
        return;
    }
    if (hart_waiting(h) && !hart_irq_wakeup(h)) {
        /* Stepping a hart that waits for an interrupt: the machine runs until it can wake. */
        struct wake_wait w = { h, poll, ctx };
        m->break_hart = NULL;
        machine_listen_stop_poll(m, poll_stop, &w);
        int rc = machine_run(m);
        machine_unlisten_stop_poll(m, poll_stop, &w);
        if (rc != MACHINE_RUN_STOPPED || m->break_hart || !hart_irq_wakeup(h)) {
            run_result(mt, rc, out);
            return;
        }
    }
    struct hart_debug *d = hart_debug(h);
    d->stop_kind = DEBUG_STOP_NONE;
    d->mask_irq = !mt->step_irq;
    enum hart_stop st = machine_step_hart(m, k);
    d->mask_irq = false;
    mt->nfresh = 0;
    if (m->exited) {
        out->exited = true;
        out->exit_code = exit_code(m);
        return;
    }
    out->signal = GDB_SIGTRAP;
    out->thread = k + 1;
    if (st == HART_STOP_BREAK)
        fill_stop(mt, k, out);
}

static bool mt_insert_bp(void *t, enum gdb_bp_type type, uint64_t addr, uint64_t len)
{
    struct machine *m = ((struct machine_target *)t)->m;
    bool ok = true;
    for (unsigned k = 0; k < machine_nharts(m); k++) {
        struct hart *h = machine_hart(m, k);
        switch (type) {
        case GDB_BP_SOFT:
        case GDB_BP_HARD: ok &= debug_break_insert(h, addr); break;
        case GDB_WP_WRITE: ok &= debug_watch_insert(h, addr, len, DEBUG_WATCH_WRITE); break;
        case GDB_WP_READ: ok &= debug_watch_insert(h, addr, len, DEBUG_WATCH_READ); break;
        case GDB_WP_ACCESS: ok &= debug_watch_insert(h, addr, len, DEBUG_WATCH_ACCESS); break;
        }
    }
    struct machine_target *mt = t;
    if (type <= GDB_BP_HARD && mt->nfresh < sizeof mt->fresh / sizeof mt->fresh[0])
        mt->fresh[mt->nfresh++] = addr;
    return ok;
}

static bool mt_remove_bp(void *t, enum gdb_bp_type type, uint64_t addr, uint64_t len)
{
    struct machine *m = ((struct machine_target *)t)->m;
    bool ok = true;
    for (unsigned k = 0; k < machine_nharts(m); k++) {
        struct hart *h = machine_hart(m, k);
        switch (type) {
        case GDB_BP_SOFT:
        case GDB_BP_HARD: ok &= debug_break_remove(h, addr); break;
        case GDB_WP_WRITE: ok &= debug_watch_remove(h, addr, len, DEBUG_WATCH_WRITE); break;
        case GDB_WP_READ: ok &= debug_watch_remove(h, addr, len, DEBUG_WATCH_READ); break;
        case GDB_WP_ACCESS: ok &= debug_watch_remove(h, addr, len, DEBUG_WATCH_ACCESS); break;
        }
    }
    return ok;
}

static void mt_detach(void *t)
{
    struct machine *m = ((struct machine_target *)t)->m;
    for (unsigned k = 0; k < machine_nharts(m); k++)
        debug_detach(machine_hart(m, k));
}

/* ---- monitor commands ---- */

static void bits_names(uint64_t v, char *out, size_t outlen)
{
    static const char *const names[12] = { NULL, "SSI", NULL, "MSI", NULL, "STI",
                                           NULL, "MTI", NULL, "SEI", NULL, "MEI" };
    out[0] = 0;
    for (unsigned b = 0; b < 12; b++)
        if ((v >> b) & 1 && names[b])
            out_printf(out, outlen, "%s%s", out[0] ? " " : "", names[b]);
    if (!out[0])
        snprintf(out, outlen, "-");
}

static void monitor_irq(struct machine_target *mt, char *out, size_t outlen)
{
    struct machine *m = mt->m;
    for (unsigned k = 0; k < machine_nharts(m); k++) {
        struct hart *h = machine_hart(m, k);
        char pend[64], en[64], ready[64];
        uint64_t mip = 0, mie_bits = 0, mstatus = 0;
        hart_csr_peek(h, CSR_MIP, &mip);
        hart_csr_peek(h, CSR_MIE, &mie_bits);
        hart_csr_peek(h, CSR_MSTATUS, &mstatus);
        bits_names(mip, pend, sizeof pend);
        bits_names(mie_bits, en, sizeof en);
        bits_names(mip & mie_bits, ready, sizeof ready);
        bool mie = mstatus & MSTATUS_MIE;
        bool takes = (mip & mie_bits) && (hart_priv(h) != PRIV_M || mie);
        out_printf(out, outlen,
                   "hart %u (thread %u): %s-mode, pc 0x%" PRIx64 "%s\n"
                   "  mstatus 0x%" PRIx64 ": MIE=%d MPIE=%d\n"
                   "  mip 0x%" PRIx64 " pending: %s\n"
                   "  mie 0x%" PRIx64 " enabled: %s\n"
                   "  pending and enabled: %s -> %s\n",
                   k, k + 1, hart_priv(h) == PRIV_M ? "M" : "U", hart_pc(h),
                   hart_waiting(h) ? " (in wfi)" : "", mstatus, mie, (mstatus & MSTATUS_MPIE) != 0,
                   mip, pend, mie_bits, en, ready,
                   takes              ? "taken at the next instruction"
                   : (mip & mie_bits) ? "held off by mstatus.MIE=0"
                                      : "nothing to take");
        if (m->clint && k < clint_nharts(m->clint)) {
            uint64_t cmp = clint_mtimecmp(m->clint, k);
            out_printf(out, outlen, "  CLINT: mtime %" PRIu64 ", mtimecmp %" PRIu64,
                       clint_mtime(m->clint), cmp);
            if (cmp == UINT64_MAX)
                out_printf(out, outlen, " (never)");
            out_printf(out, outlen, ", MTIP %d, msip %d\n", clint_mtip(m->clint, k),
                       clint_msip(m->clint, k));
        }
    }
    if (!m->clint)
        out_printf(out, outlen, "no CLINT on this board\n");
    if (!m->plic) {
        out_printf(out, outlen, "no PLIC on this board\n");
        return;
    }
    struct plic *p = m->plic;
    unsigned shown = 0;
    out_printf(out, outlen, "PLIC: %u sources, %u contexts\n", plic_nsources(p), plic_ncontexts(p));
    for (unsigned src = 1; src <= plic_nsources(p); src++) {
        struct plic_source_info si;
        if (!plic_source_state(p, src, &si))
            continue;
        if (!si.priority && !si.pending && !si.claimed && !si.enabled && !si.level)
            continue;
        shown++;
        out_printf(out, outlen, "  source %u: priority %u, line %d, %s%s", src, si.priority,
                   si.level, si.pending ? "pending" : "not pending", si.claimed ? ", claimed" : "");
        if (si.claimed && si.claimed_by >= 0)
            out_printf(out, outlen, " by context %d", si.claimed_by);
        out_printf(out, outlen, ", enabled in contexts:");
        if (!si.enabled)
            out_printf(out, outlen, " none");
        for (unsigned c = 0; c < 64; c++)
            if ((si.enabled >> c) & 1)
                out_printf(out, outlen, " %u", c);
        out_printf(out, outlen, "\n");
    }
    if (!shown)
        out_printf(out, outlen, "  no source has a priority, is enabled or pending\n");
    for (unsigned c = 0; c < plic_ncontexts(p); c++) {
        struct plic_context_info ci;
        if (!plic_context_state(p, c, &ci) || !ci.hart)
            continue;
        out_printf(out, outlen,
                   "  context %u (hart %" PRIu64 " %s): threshold %u, eip %d, next claim %u\n", c,
                   hart_id(ci.hart), ci.irq == IRQ_M_EXT ? "M-mode" : "S-mode", ci.threshold,
                   ci.eip, ci.next_claim);
    }
}

static bool parse_onoff(const char *arg, bool *out)
{
    if (strcmp(arg, "on") == 0)
        *out = true;
    else if (strcmp(arg, "off") == 0)
        *out = false;
    else
        return false;
    return true;
}

static const struct {
    const char *name;
    bool irq;
    unsigned code;
} cause_aliases[] = {
    { "msoft", true, IRQ_M_SOFT },
    { "mtimer", true, IRQ_M_TIMER },
    { "timer", true, IRQ_M_TIMER },
    { "mext", true, IRQ_M_EXT },
    { "external", true, IRQ_M_EXT },
    { "illegal", false, EXC_ILLEGAL_INSN },
    { "ebreak", false, EXC_BREAKPOINT },
    { "ecall", false, EXC_ECALL_M },
    { "ecall-u", false, EXC_ECALL_U },
    { "load-fault", false, EXC_LOAD_ACCESS },
    { "store-fault", false, EXC_STORE_ACCESS },
};

static void monitor_break_irq(struct machine_target *mt, const char *arg, char *out, size_t outlen)
{
    struct machine *m = mt->m;
    bool irq = true, on = true;
    unsigned code = 0;
    if (strncmp(arg, "off", 3) == 0 && (arg[3] == 0 || arg[3] == ' ')) {
        for (unsigned k = 0; k < machine_nharts(m); k++) {
            struct hart_debug *d = hart_debug(machine_hart(m, k));
            if (d)
                d->irq_mask = d->exc_mask = 0;
        }
        out_printf(out, outlen, "break-irq: off for every cause\n");
        return;
    }
    if (!*arg) {
        struct hart_debug *d = hart_debug(machine_hart(m, 0));
        uint64_t im = d ? d->irq_mask : 0, em = d ? d->exc_mask : 0;
        out_printf(out, outlen, "break-irq: stopping on");
        if (!im && !em)
            out_printf(out, outlen, " no trap");
        for (unsigned c = 0; c < 64; c++) {
            if ((im >> c) & 1)
                out_printf(out, outlen, " interrupt %u (%s);", c, cause_name(c, true));
            if ((em >> c) & 1)
                out_printf(out, outlen, " exception %u (%s);", c, cause_name(c, false));
        }
        out_printf(out, outlen, "\n");
        return;
    }
    if (strncmp(arg, "exc ", 4) == 0) {
        irq = false;
        arg += 4;
    }
    char word[32];
    size_t n = strcspn(arg, " ");
    if (n >= sizeof word)
        n = sizeof word - 1;
    memcpy(word, arg, n);
    word[n] = 0;
    if (strcmp(arg + n, " off") == 0)
        on = false;
    else if (arg[n]) {
        out_printf(out, outlen, "break-irq: unexpected '%s'\n", arg + n);
        return;
    }
    char *end;
    unsigned long v = strtoul(word, &end, 0);
    if (*word && !*end && v < 64) {
        code = (unsigned)v;
    } else {
        unsigned a = 0;
        for (; a < sizeof cause_aliases / sizeof cause_aliases[0]; a++)
            if (strcmp(word, cause_aliases[a].name) == 0)
                break;
        if (a == sizeof cause_aliases / sizeof cause_aliases[0]) {
            out_printf(out, outlen,
                       "break-irq: '%s' is not a cause: give the mcause exception code "
                       "(7 = machine timer), 'exc N' for an exception, or a name "
                       "(mtimer, msoft, mext, illegal, ebreak, ecall, ...)\n",
                       word);
            return;
        }
        irq = cause_aliases[a].irq;
        code = cause_aliases[a].code;
    }
    for (unsigned k = 0; k < machine_nharts(m); k++)
        debug_trap_break(machine_hart(m, k), irq, code, on);
    out_printf(out, outlen, "break-irq: %s on %s %u (%s)\n", on ? "stopping" : "not stopping",
               irq ? "interrupt" : "exception", code, cause_name(code, irq));
}

/* An interrupt request from the debugger goes through the input door (host/input.h), so
 * that --record keeps it and --replay gives it again at the same cycle. */
static void monitor_inject(struct machine_target *mt, const char *arg, char *out, size_t outlen)
{
    struct machine *m = mt->m;
    char *end;
    errno = 0;
    unsigned long src = strtoul(arg, &end, 0);
    while (*end == ' ')
        end++;
    if (!m->plic) {
        out_printf(out, outlen, "inject: this board has no PLIC\n");
        return;
    }
    if (history_in_past(m->history))
        changed(mt); /* an input in the past: a new future starts there */
    unsigned n = plic_nsources(m->plic);
    if (!*arg || *end || errno || src == 0 || src > n || !input_irq(m, (unsigned)src)) {
        out_printf(out, outlen, "inject: '%s' is not a PLIC source: give a number from 1 to %u\n",
                   arg, n);
        return;
    }
    out_printf(out, outlen,
               "inject: request on PLIC source %lu at cycle %" PRIu64
               "%s (its gateway sets the pending bit unless one is in flight)\n",
               src, clock_now(&m->clock),
               input_replaying(m) ? ", ignored: --replay gives the recorded inputs only" : "");
}

static void mt_monitor(void *t, const char *cmd, char *out, size_t outlen)
{
    struct machine_target *mt = t;
    struct machine *m = mt->m;
    while (*cmd == ' ')
        cmd++;
    size_t n = strcspn(cmd, " ");
    const char *arg = cmd + n;
    while (*arg == ' ')
        arg++;
    bool on;
    if (n == 4 && strncmp(cmd, "help", 4) == 0) {
        out_printf(out, outlen,
                   "monitor commands:\n"
                   "  reset              restart every hart at the entry point (memory kept)\n"
                   "  cycles             cycles, instructions, mcycle, minstret, mtime per hart\n"
                   "  irq                pending/enabled interrupts, CLINT and PLIC state\n"
                   "  trace on|off       instruction trace on hartlab's trace output\n"
                   "  step-irq on|off    may a single step enter a pending interrupt handler "
                   "(default off)\n"
                   "  break-irq [exc] CAUSE [off] | off   stop when a trap with CAUSE is taken\n"
                   "  inject SOURCE      an interrupt request on PLIC source SOURCE, as a pulse "
                   "of its line\n"
                   "  history            what the reverse-execution history holds and costs\n");
    } else if (n == 5 && strncmp(cmd, "reset", 5) == 0) {
        machine_reset_harts(m);
        changed(mt);
        out_printf(out, outlen,
                   "harts reset to the entry point 0x%" PRIx64
                   " (run 'maintenance flush register-cache' to refresh GDB)\n",
                   m->entry);
    } else if (n == 6 && strncmp(cmd, "cycles", 6) == 0) {
        for (unsigned k = 0; k < machine_nharts(m); k++) {
            struct hart *h = machine_hart(m, k);
            out_printf(out, outlen,
                       "hart %u: %" PRIu64 " cycles, %" PRIu64
                       " instructions retired, mcycle %" PRIu64 ", minstret %" PRIu64
                       ", mtime %" PRIu64 "\n",
                       k, hart_cycles(h), hart_retired(h), hart_mcycle(h), hart_minstret(h),
                       hart_mtime(h));
        }
    } else if (n == 3 && strncmp(cmd, "irq", 3) == 0) {
        monitor_irq(mt, out, outlen);
    } else if (n == 5 && strncmp(cmd, "trace", 5) == 0 && parse_onoff(arg, &on)) {
        for (unsigned k = 0; k < machine_nharts(m); k++)
            hart_set_trace(machine_hart(m, k),
                           on ? (m->opts.trace ? m->opts.trace : stderr) : NULL);
        out_printf(out, outlen, "instruction trace %s\n", on ? "on" : "off");
    } else if (n == 8 && strncmp(cmd, "step-irq", 8) == 0 && (!*arg || parse_onoff(arg, &on))) {
        if (*arg)
            mt->step_irq = on;
        out_printf(out, outlen, "step-irq %s: a single step %s\n", mt->step_irq ? "on" : "off",
                   mt->step_irq ? "may enter a pending interrupt's handler"
                                : "runs with interrupts held off");
    } else if (n == 9 && strncmp(cmd, "break-irq", 9) == 0) {
        monitor_break_irq(mt, arg, out, outlen);
    } else if (n == 6 && strncmp(cmd, "inject", 6) == 0) {
        monitor_inject(mt, arg, out, outlen);
    } else if (n == 7 && strncmp(cmd, "history", 7) == 0) {
        struct history_stats hs;
        history_stats(m->history, &hs);
        if (!m->history)
            out_printf(out, outlen, "no history is kept\n");
        else
            out_printf(out, outlen,
                       "history: steps %" PRIu64 " to %" PRIu64 " (now at %" PRIu64
                       "%s); %u snapshots, %" PRIu64 " KiB of RAM pages, %" PRIu64
                       " KiB of hart and device state, %" PRIu64 " log entries (%" PRIu64
                       " KiB); budget %" PRIu64 " MiB, %u snapshots dropped; %" PRIu64
                       " steps re-executed so far\n",
                       hs.first, hs.last, hs.now,
                       history_in_past(m->history) ? ", in the past" : "", hs.snapshots,
                       hs.page_bytes >> 10, hs.state_bytes >> 10, hs.log_entries,
                       hs.log_bytes >> 10, hs.budget >> 20, hs.dropped, hs.replayed);
    } else {
        out_printf(out, outlen, "unknown monitor command '%s'; try 'monitor help'\n", cmd);
    }
}

static void mt_select_thread(void *t, unsigned thread)
{
    ((struct machine_target *)t)->pc_thread = thread;
}

const struct gdb_target_ops machine_target_ops = {
    .nthreads = mt_nthreads,
    .target_xml = mt_target_xml,
    .g_count = mt_g_count,
    .read_reg = mt_read_reg,
    .write_reg = mt_write_reg,
    .read_mem = mt_read_mem,
    .write_mem = mt_write_mem,
    .step = mt_step,
    .cont = mt_cont,
    .insert_bp = mt_insert_bp,
    .remove_bp = mt_remove_bp,
    .detach = mt_detach,
    .reverse_step = mt_reverse_step,
    .reverse_cont = mt_reverse_cont,
    .monitor = mt_monitor,
    .select_thread = mt_select_thread,
};

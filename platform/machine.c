/* The machine: builds the bus, harts and devices from options, loads firmware, and runs the
 * harts in deterministic round-robin quanta of virtual cycles (docs/design.md, decisions 4 and 5).
 *
 * The default map follows QEMU's `virt` board where it has the same devices: the SiFive
 * test finisher at 0x100000 and RAM at 0x80000000.
 */
#include "platform/machine.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/cost.h"
#include "core/debug.h"
#include "core/disasm.h"
#include "core/jit.h"
#include "platform/board.h"
#include "platform/history.h"
#include "devices/finisher.h"
#include "devices/htif.h"
#include "host/input.h"
#include "host/log.h"
#include "host/shutdown.h"
#include "devices/semihost.h"

#define FINISHER_BASE 0x100000ull

void machine_options_default(struct machine_options *o)
{
    memset(o, 0, sizeof *o);
    o->xlen = 64;
    o->ext = ISA_EXT('I') | ISA_EXT('M') | ISA_EXT('A') | ISA_EXT('C');
    o->nharts = 1;
    for (unsigned k = 0; k < MACHINE_MAX_HARTS; k++)
        o->hartids[k] = k;
    o->ram_base = 0x80000000ull;
    o->ram_size = 128ull << 20;
    o->misaligned = MISALIGNED_EMULATE;
    /* A 100 MHz hart with QEMU virt's 10 MHz timebase. */
    o->time_divider = 10;
    o->jit = jit_host_supported();
}

static bool hook_semihost(void *ctx, struct hart *h)
{
    struct machine *m = ctx;
    return semihost_call(m->semihost, h);
}

struct machine *machine_new(const struct machine_options *o, char *err, size_t errlen)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->opts = *o;
    bus_init(&m->bus);
    clock_init(&m->clock, o->time_divider);
    if (o->nharts == 0 || o->nharts > MACHINE_MAX_HARTS) {
        snprintf(err, errlen, "%u harts requested; hartlab supports 1 to %d", o->nharts,
                 MACHINE_MAX_HARTS);
        goto fail;
    }
    if (o->ram_size > MACHINE_MAX_RAM) {
        snprintf(err, errlen,
                 "%" PRIu64 " MiB of RAM requested; hartlab gives a guest at most %llu GiB",
                 o->ram_size >> 20, MACHINE_MAX_RAM >> 30);
        goto fail;
    }
    if (!bus_add_ram(&m->bus, "ram", o->ram_base, o->ram_size, false)) {
        snprintf(err, errlen,
                 "cannot set up %" PRIu64 " MiB of RAM at 0x%" PRIx64
                 " (out of host memory, or not a whole number of 4 KiB pages)",
                 o->ram_size >> 20, o->ram_base);
        goto fail;
    }
    /* Pages written from the start are known, so that history (platform/history.h) can
     * start without reading all of RAM; the cost is one byte store per write translation. */
    if (!bus_track_dirty(&m->bus, true)) {
        snprintf(err, errlen, "out of host memory for the map of written RAM pages");
        goto fail;
    }
    m->cluster = cluster_new();
    if (!m->cluster) {
        snprintf(err, errlen, "out of memory for the code cache");
        goto fail;
    }
    /* Without a translator for this host the harts interpret, with the same results. The
     * translator does not model timing effects of run-time values (branch predictors,
     * operand-dependent divides; core/cost.h): with such a core timing, too. */
    if (o->jit && o->timing && core_timing_dynamic(o->timing))
        log_info("--cpu %s: interpreted (the translation tier does not model its timing)",
                 o->timing->name);
    else if (o->jit)
        cluster_set_jit(m->cluster, &(struct jit_config){ .threshold = o->jit_threshold,
                                                          .max_blocks = o->jit_limit,
                                                          .dump_dir = o->jit_dump });
    bus_hart_interface(&m->bus, &m->hart_bus);
    m->bus.cluster = m->cluster;
    for (unsigned k = 0; k < o->nharts; k++) {
        struct hart_config hc = {
            .xlen = o->xlen,
            .ext = o->ext,
            .hartid = o->hartids[k],
            .misaligned = o->misaligned,
            .time_divider = o->time_divider,
            .timing = o->timing,
        };
        struct hart *h = hart_new(&hc, &m->hart_bus, m->cluster);
        if (!h) {
            snprintf(err, errlen, "out of memory for hart %u", k);
            goto fail;
        }
        hart_set_semihost(h, hook_semihost, m);
        if (o->trace)
            hart_set_trace(h, o->trace);
    }
    if (o->fdt) {
        if (!board_build_devices(m, o->fdt, err, errlen))
            goto fail;
    } else {
        m->finisher = finisher_new(m, FINISHER_BASE);
        if (!m->finisher) {
            snprintf(err, errlen, "cannot set up the test finisher");
            goto fail;
        }
    }
    m->semihost = semihost_new(m);
    if (!m->semihost) {
        snprintf(err, errlen, "cannot set up semihosting");
        goto fail;
    }
    m->input = input_new(m);
    if (!m->input) {
        snprintf(err, errlen, "out of memory for the input sources");
        goto fail;
    }
    m->entry = o->ram_base;
    return m;
fail:
    machine_free(m);
    return NULL;
}

void machine_free(struct machine *m)
{
    if (!m)
        return;
    history_free(m->history);
    m->history = NULL;
    while (m->ncleanups > 0) {
        m->ncleanups--;
        m->cleanups[m->ncleanups].fn(m->cleanups[m->ncleanups].opaque);
    }
    input_free(m->input);
    if (m->htif)
        htif_free(m->htif);
    if (m->finisher)
        finisher_free(m->finisher);
    if (m->semihost)
        semihost_free(m->semihost);
    cluster_free(m->cluster);
    bus_destroy(&m->bus);
    symtab_free(m->symbols);
    free(m);
}

bool machine_add_state(struct machine *m, void *p, size_t len)
{
    if (m->nstates == MACHINE_MAX_STATES)
        return false;
    m->states[m->nstates].p = p;
    m->states[m->nstates].len = len;
    m->nstates++;
    return true;
}

uint64_t machine_position(const struct machine *m)
{
    uint64_t pos = 0;
    for (unsigned k = 0; k < machine_nharts(m); k++)
        pos += hart_retired(machine_hart(m, k)) + hart_traps(machine_hart(m, k));
    return pos;
}

void machine_on_free(struct machine *m, void (*fn)(void *opaque), void *opaque)
{
    if (m->ncleanups < MACHINE_MAX_CLEANUPS) {
        m->cleanups[m->ncleanups].fn = fn;
        m->cleanups[m->ncleanups].opaque = opaque;
        m->ncleanups++;
    }
}

bool machine_listen_console(struct machine *m, machine_console_fn fn, void *ctx)
{
    return listeners_add(&m->on_console, (listener_fn)fn, ctx);
}

void machine_unlisten_console(struct machine *m, machine_console_fn fn, void *ctx)
{
    listeners_remove(&m->on_console, (listener_fn)fn, ctx);
}

void machine_console_output(struct machine *m, const void *buf, size_t len)
{
    if (m->replaying)
        return; /* re-executed history: the listeners heard it the first time */
    if (m->on_console.n)
        LISTENERS_CALL(&m->on_console, machine_console_fn, (const uint8_t *)buf, len,
                       clock_now(&m->clock));
}

void machine_on_reset(struct machine *m, void (*fn)(void *opaque), void *opaque)
{
    if (m->nresets < MACHINE_MAX_RESETS) {
        m->resets[m->nresets].fn = fn;
        m->resets[m->nresets].opaque = opaque;
        m->nresets++;
    }
}

static void reset_devices(struct machine *m)
{
    for (unsigned k = 0; k < m->nresets; k++)
        m->resets[k].fn(m->resets[k].opaque);
}

void machine_set_irq_controller(struct machine *m,
                                void (*input)(void *opaque, unsigned source, bool level),
                                void *opaque, unsigned nsources)
{
    m->irq_input = input;
    m->irq_input_opaque = opaque;
    m->irq_sources = nsources;
}

bool machine_connect_irq(struct machine *m, struct irq_line *line, unsigned source)
{
    if (!m->irq_input || source == 0 || source > m->irq_sources)
        return false;
    irq_connect(line, m->irq_input, m->irq_input_opaque, source);
    return true;
}

/* ---- guest memory from outside the harts ---- */

bool machine_read_mem(struct machine *m, uint64_t addr, void *buf, uint64_t len)
{
    uint8_t *p = bus_ram_ptr(&m->bus, addr, len);
    if (p) {
        memcpy(buf, p, len);
        return true;
    }
    uint8_t *out = buf;
    for (uint64_t k = 0; k < len; k++) {
        uint64_t v;
        if (bus_load(&m->bus, addr + k, 1, &v) != BUS_OK)
            return false;
        out[k] = (uint8_t)v;
    }
    return true;
}

/* Not a guest store: bus watches are not run (a device clearing its own mailbox must not
 * hear itself), but reservations and cached code are kept coherent. */
bool machine_write_mem(struct machine *m, uint64_t addr, const void *buf, uint64_t len)
{
    if (len == 0)
        return true;
    uint8_t *p = bus_ram_ptr(&m->bus, addr, len);
    if (p) {
        memcpy(p, buf, len);
    } else {
        const uint8_t *in = buf;
        for (uint64_t k = 0; k < len; k++)
            if (bus_store(&m->bus, addr + k, 1, in[k]) == BUS_FAULT)
                return false;
    }
    cluster_notice_store(m->cluster, addr, len);
    return true;
}

/* ---- loading ---- */

static bool lt_is_memory(void *ctx, uint64_t addr, uint64_t len)
{
    struct machine *m = ctx;
    return bus_ram_ptr(&m->bus, addr, len ? len : 1) != NULL;
}

static void lt_write(void *ctx, uint64_t addr, const void *data, uint64_t len)
{
    struct machine *m = ctx;
    uint8_t *p = bus_ram_ptr(&m->bus, addr, len);
    if (p && len) {
        memcpy(p, data, len);
        cluster_notice_store(m->cluster, addr, len);
    }
}

static void lt_zero(void *ctx, uint64_t addr, uint64_t len)
{
    struct machine *m = ctx;
    uint8_t *p = bus_ram_ptr(&m->bus, addr, len);
    if (p && len) {
        memset(p, 0, len);
        cluster_notice_store(m->cluster, addr, len);
    }
}

/* "RAM 0x80000000-0x87ffffff, ROM 0x20000000-0x203fffff": the bus's memory regions. */
static void lt_describe(void *ctx, char *buf, size_t len)
{
    struct machine *m = ctx;
    size_t at = 0;
    buf[0] = '\0';
    for (unsigned k = 0; k < m->bus.nregions && at < len; k++) {
        const struct bus_region *r = &m->bus.regions[k];
        if (!r->mem)
            continue;
        int w = snprintf(buf + at, len - at, "%s%s 0x%" PRIx64 "-0x%" PRIx64, at ? ", " : "",
                         r->readonly ? "ROM" : "RAM", r->base, r->base + r->size - 1);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

static void load_target(struct machine *m, struct load_target *t)
{
    t->ctx = m;
    t->is_memory = lt_is_memory;
    t->write = lt_write;
    t->zero = lt_zero;
    t->describe = lt_describe;
}

/* Keep the loader's warning line for the command line to print (m->load_warning). */
static void keep_warning(struct machine *m, const char *w)
{
    if (w[0] && !m->load_warning[0])
        snprintf(m->load_warning, sizeof m->load_warning, "%s", w);
}

/* The boot protocol, here and nowhere else: every hart starts at the entry point in M-mode
 * with a0 = its hart id and a1 = the address of the device tree (0 before it is placed, or
 * without one), as OpenSBI, U-Boot and Linux expect and as QEMU's virt starts them. */
void machine_boot(struct machine *m)
{
    for (unsigned k = 0; k < machine_nharts(m); k++) {
        struct hart *h = machine_hart(m, k);
        hart_boot(h, m->entry, hart_id(h), m->fdt_addr);
    }
}

void machine_set_entry(struct machine *m, uint64_t entry)
{
    m->entry = entry;
    machine_boot(m);
}

bool machine_load_elf(struct machine *m, const char *path, struct elf_info *info, char *err,
                      size_t errlen)
{
    struct load_target t;
    load_target(m, &t);
    if (!elf_load(path, &t, info, err, errlen))
        return false;
    keep_warning(m, info->warning);
    if (info->xlen != m->opts.xlen) {
        snprintf(err, errlen, "%s: ELF%u file, but the machine was built for RV%u", path,
                 info->xlen, m->opts.xlen);
        symtab_free(info->symbols);
        info->symbols = NULL;
        return false;
    }
    symtab_free(m->symbols);
    m->symbols = info->symbols;
    info->symbols = NULL;
    uint64_t tohost, fromhost = 0;
    if (m->symbols && symtab_find(m->symbols, "tohost", &tohost)) {
        symtab_find(m->symbols, "fromhost", &fromhost);
        if (m->htif)
            htif_free(m->htif);
        m->htif = htif_new(m, tohost, fromhost);
        if (!m->htif) {
            snprintf(err, errlen, "%s: cannot watch tohost at 0x%" PRIx64, path, tohost);
            return false;
        }
        log_info("HTIF: tohost at 0x%" PRIx64 ", fromhost at 0x%" PRIx64, tohost, fromhost);
    }
    machine_set_entry(m, info->entry);
    return true;
}

bool machine_load_elf_segments(struct machine *m, const char *path, char *err, size_t errlen)
{
    struct load_target t;
    load_target(m, &t);
    struct elf_info info;
    if (!elf_load(path, &t, &info, err, errlen))
        return false;
    keep_warning(m, info.warning);
    symtab_free(info.symbols);
    return true;
}

bool machine_load_raw(struct machine *m, const char *path, uint64_t addr, char *err, size_t errlen)
{
    struct load_target t;
    load_target(m, &t);
    uint64_t size;
    return raw_load(path, addr, &t, &size, err, errlen);
}

/* ---- running ---- */

void machine_exit(struct machine *m, int code, const char *reason)
{
    if (m->exited)
        return;
    m->exited = true;
    m->exit_code = code;
    m->exit_reason = reason;
    m->exit_hart = m->running;
    m->bus.stop_requested = true;
    /* The hart leaves its block after this instruction and hart_run returns. */
    if (m->running)
        hart_request_stop(m->running);
}

void machine_exit_signal(struct machine *m, int sig)
{
    if (m->exited)
        return;
    machine_exit(m, 128 + sig, "signal");
    m->exit_signal = sig;
}

void machine_request_reset(struct machine *m)
{
    m->reset_requested = true;
    m->bus.stop_requested = true;
}

static void report_stop(struct machine *m, const struct hart *h, const char *why)
{
    uint64_t pc = hart_pc(h);
    const struct symbol *s = m->symbols ? symtab_lookup(m->symbols, pc) : NULL;
    snprintf(m->stop_line, sizeof m->stop_line,
             "%s; hart %" PRIu64 " at pc 0x%" PRIx64 "%s%s after %" PRIu64 " instructions, %" PRIu64
             " cycles",
             why, hart_id(h), pc, s ? " in " : "", s ? s->name : "", hart_retired(h),
             hart_cycles(h));
    fprintf(stderr, "hartlab: %s\n", m->stop_line);
}

static int exit_status(int code);

/* The line for a run a host signal ended: what stopped it and where. */
static void report_signal(struct machine *m, const struct hart *h)
{
    char why[64];
    snprintf(why, sizeof why, "stopped by %s", shutdown_signal_name(m->exit_signal));
    report_stop(m, h, why);
    m->signal_reported = true;
}

int machine_end_by_signal(struct machine *m, int sig)
{
    machine_exit_signal(m, sig);
    if (m->exit_signal && !m->signal_reported)
        report_signal(m, m->exit_hart ? m->exit_hart : machine_hart(m, 0));
    return exit_status(m->exit_code);
}

/* " in FUNCTION" for an address with a symbol, else "". */
static const char *in_function(const struct machine *m, uint64_t pc, char *buf, size_t len)
{
    const struct symbol *s = m->symbols ? symtab_lookup(m->symbols, pc) : NULL;
    snprintf(buf, len, "%s%s", s ? " in " : "", s ? s->name : "");
    return buf;
}

/* Why hart h can make no progress by itself, if it cannot (machine_run's hang check). */
enum stuck { NOT_STUCK, STUCK_SELF_LOOP, STUCK_TRAP_LOOP };
/* How far apart (bytes) two quantum ends may be for the short-loop check to look. */
#define STUCK_NEAR 64u

static enum stuck hart_stuck(struct hart *h)
{
    if (hart_irq_takeable_pending(h))
        return NOT_STUCK; /* an interrupt is about to be taken */
    if (hart_trap_loop(h, NULL, NULL))
        return STUCK_TRAP_LOOP;
    if (hart_at_self_loop(h))
        return STUCK_SELF_LOOP;
    return NOT_STUCK;
}

/* The one line for a hart stuck in a loop: where, which loop, and why nothing ends it. */
static void report_stuck(struct machine *m, struct hart *h, enum stuck why, bool hopeless)
{
    char fn[160], fn2[160], what[800];
    const char *no_irq = hopeless ? "no interrupt can be taken (they are disabled)"
                                  : "nothing will raise an interrupt";
    uint64_t pc = hart_pc(h);
    unsigned xlen = hart_xlen(h);
    if (why == STUCK_SELF_LOOP) {
        unsigned len = hart_at_self_loop(h);
        char loop[64] = "a jump to itself";
        if (len > 1)
            snprintf(loop, sizeof loop, "a loop of %u instructions that changes nothing", len);
        snprintf(what, sizeof what,
                 "hart %" PRIu64 " is stuck: %s at pc 0x%" PRIx64
                 "%s, which only an interrupt can leave, and %s",
                 hart_id(h), loop, pc, in_function(m, pc, fn, sizeof fn), no_irq);
    } else {
        struct hart_trap_record first, last;
        char w1[96], w2[96];
        hart_trap_loop(h, &first, &last);
        disasm_trap(last.cause, last.tval, xlen, w2, sizeof w2);
        if (first.cause == last.cause && first.epc == last.epc && first.tval == last.tval)
            snprintf(what, sizeof what,
                     "hart %" PRIu64 " is stuck in a trap loop: %s at pc 0x%" PRIx64
                     "%s, the trap handler's entry, again and again",
                     hart_id(h), w2, last.epc, in_function(m, last.epc, fn, sizeof fn));
        else
            snprintf(what, sizeof what,
                     "hart %" PRIu64 " is stuck in a trap loop: %s (pc 0x%" PRIx64
                     "%s), then %s again and again at the trap handler's entry 0x%" PRIx64 "%s",
                     hart_id(h), disasm_trap(first.cause, first.tval, xlen, w1, sizeof w1),
                     first.epc, in_function(m, first.epc, fn, sizeof fn), w2, last.epc,
                     in_function(m, last.epc, fn2, sizeof fn2));
    }
    snprintf(m->stop_line, sizeof m->stop_line,
             "%s; after %" PRIu64 " instructions, %" PRIu64 " cycles", what, hart_retired(h),
             hart_cycles(h));
    fprintf(stderr, "hartlab: %s\n", m->stop_line);
}

/* A guest asked for a system reset (machine_request_reset): every hart boots again. */
static void reset_if_requested(struct machine *m)
{
    if (!m->reset_requested)
        return;
    m->reset_requested = false;
    m->bus.stop_requested = m->exited;
    if (m->history)
        history_note(m->history, HISTORY_RESET, 0);
    log_info("reset requested by the guest");
    reset_devices(m);
    machine_boot(m);
}

/* The virtual clock follows hart h while it runs; between runs it stands at the slowest
 * hart's time (events fire once every hart has reached them). */
static void clock_follow(struct machine *m, const struct hart *h)
{
    if (h) {
        m->clock.now = hart_cycle_counter(h);
    } else {
        m->clock.idle_now = machine_low_cycles(m);
        m->clock.now = NULL;
    }
}

uint64_t machine_low_cycles(const struct machine *m)
{
    uint64_t low = UINT64_MAX;
    for (unsigned k = 0; k < machine_nharts(m); k++) {
        if (m->frozen & (1u << k))
            continue;
        uint64_t c = hart_cycles(machine_hart(m, k));
        low = c < low ? c : low;
    }
    return low;
}

/* Fire the clock's due events; the history logs each check that fires one, so that its
 * re-execution fires them at the same point of the run. */
static void run_due(struct machine *m, uint64_t cycle)
{
    if (m->history && clock_next(&m->clock) <= cycle)
        history_note(m->history, HISTORY_CLOCK, cycle);
    clock_run_due(&m->clock, cycle);
}

/* Process exit statuses are 8 bits: keep every failure visibly nonzero. */
static int exit_status(int code)
{
    return code >= 0 && code <= 255 ? code : 255;
}

/* Blocks (or instructions, with fine steps) a hart retrying an LR/SC sequence may run past
 * the end of its turn to reach its SC: a constrained LR/SC loop (Unprivileged ISA 8.3) is
 * at most 16 instructions, so this is always enough for one. */
#define LRSC_GRACE 32

/* One turn of hart h: run it up to `until` (an absolute cycle), as far as the events and
 * limits allow. Returns what stopped it. The forward-progress guarantee of LR/SC
 * (Unprivileged ISA 8.3): a hart whose SC failed and that holds a new reservation when its
 * turn ends goes on, block by block, until it has done its SC, so that two harts can never
 * keep breaking each other's reservations; the first attempt gets no such help, so the
 * races of a fine interleaving stay visible (docs/cycles.md). */
static enum hart_stop run_turn(struct machine *m, struct hart *h, uint64_t until)
{
    m->running = h;
    enum hart_stop st = hart_run(h, until);
    if (machine_nharts(m) < 2) {
        m->running = NULL;
        return st; /* nobody to contend with */
    }
    for (unsigned k = 0; st == HART_STOP_BUDGET && k < LRSC_GRACE && hart_lrsc_retrying(h) &&
                         !m->exited && !m->reset_requested;
         k++) {
        if (m->opts.max_insns && hart_retired(h) + hart_traps(h) >= m->opts.max_insns)
            break;
        st = hart_run(h, hart_cycles(h) + 1);
    }
    m->running = NULL;
    return st;
}

/* The report at the end of a run with several harts: one line each (-v). */
static void report_harts(const struct machine *m)
{
    if (machine_nharts(m) < 2)
        return;
    for (unsigned k = 0; k < machine_nharts(m); k++) {
        const struct hart *h = machine_hart(m, k);
        uint64_t pc = hart_pc(h);
        const struct symbol *s = m->symbols ? symtab_lookup(m->symbols, pc) : NULL;
        log_info("hart %" PRIu64 ": %" PRIu64 " instructions, %" PRIu64 " cycles, %" PRIu64
                 " traps, %" PRIu64 " failed SCs; pc 0x%" PRIx64 "%s%s%s",
                 hart_id(h), hart_retired(h), hart_cycles(h), hart_traps(h), hart_sc_failures(h),
                 pc, s ? " in " : "", s ? s->name : "", hart_waiting(h) ? ", waiting in wfi" : "");
    }
}

bool machine_listen_quantum(struct machine *m, machine_quantum_fn fn, void *ctx)
{
    return listeners_add(&m->on_quantum, (listener_fn)fn, ctx);
}

void machine_unlisten_quantum(struct machine *m, machine_quantum_fn fn, void *ctx)
{
    listeners_remove(&m->on_quantum, (listener_fn)fn, ctx);
}

bool machine_listen_stop_poll(struct machine *m, machine_stop_fn fn, void *ctx)
{
    return listeners_add(&m->stop_polls, (listener_fn)fn, ctx);
}

void machine_unlisten_stop_poll(struct machine *m, machine_stop_fn fn, void *ctx)
{
    listeners_remove(&m->stop_polls, (listener_fn)fn, ctx);
}

/* True if a stop poll asks to stop (the first that does ends the polling). */
static bool stop_polled(struct machine *m)
{
    for (unsigned k = 0; k < m->stop_polls.n; k++)
        if (((machine_stop_fn)m->stop_polls.l[k].fn)(m->stop_polls.l[k].ctx, m))
            return true;
    return false;
}

int machine_run(struct machine *m)
{
    const struct machine_options *o = &m->opts;
    unsigned n = machine_nharts(m);
    uint64_t quantum = o->quantum ? o->quantum : MACHINE_QUANTUM;
    for (unsigned k = 0; k < n; k++) {
        struct hart *h = machine_hart(m, k);
        hart_set_retire_limit(h, o->max_insns ? o->max_insns : UINT64_MAX);
        hart_set_fine_steps(h, n > 1 && quantum < MACHINE_QUANTUM_STEP);
    }
    bool all_waited = false;
    m->stop_line[0] = '\0';
    for (unsigned k = 0; k < MACHINE_MAX_HARTS; k++)
        m->quantum_pc[k] = UINT64_MAX;
    for (;;) {
        /* A round: every hart, in hart order, runs until the slowest one's time plus a
         * quantum or the next event, whichever is first; a hart already there sits this
         * round out. When every hart was waiting in wfi, skip straight to the next event. */
        uint64_t low = machine_low_cycles(m);
        clock_follow(m, NULL);
        run_due(m, low);
        uint64_t next = clock_next(&m->clock);
        uint64_t until = all_waited ? next : low + quantum;
        if (next < until)
            until = next;
        if (o->max_cycles && until > o->max_cycles)
            until = o->max_cycles;
        if (until <= low)
            until = low + 1;
        /* all_waiting: every hart waits in wfi (time may skip to the next event). Every
         * hart that does not wait is stuck in a loop only an interrupt ends: `stuck` is the
         * first such hart, `hopeless` whether none of them can take any interrupt. */
        bool all_waiting = true, all_idle = true, hopeless = true;
        struct hart *stuck = NULL, *limited = NULL;
        enum stuck stuck_why = NOT_STUCK;
        for (unsigned k = 0; k < n && !m->exited && !m->break_hart; k++) {
            struct hart *h = machine_hart(m, k);
            if (m->frozen & (1u << k))
                continue; /* the debugger keeps it stopped */
            if (hart_cycles(h) >= until) {
                /* Ahead of the others: it sits this round out (and tells nothing new). */
                if (!(hart_waiting(h) && !hart_irq_wakeup(h)))
                    all_waiting = all_idle = false;
                continue;
            }
            clock_follow(m, h);
            enum hart_stop st = run_turn(m, h, until);
            if (st == HART_STOP_BREAK)
                m->break_hart = h;
            if (st == HART_STOP_WFI) {
                /* A waiting hart idles through the time the others run, or to the next
                 * event, which may wake it: one its own quantum scheduled counts too (a
                 * device it just started), so that when it wakes does not depend on
                 * which other events happened to bound the quantum. */
                uint64_t wake = clock_next(&m->clock);
                if (wake > until)
                    wake = until;
                if (wake != UINT64_MAX)
                    hart_idle_until(h, wake);
                hopeless = false;
            }
            if (m->history)
                history_note(m->history, HISTORY_TURN, k);
            if (st != HART_STOP_WFI) {
                all_waiting = false;
                /* Found at the same pc as after its last quantum, or near it (a short
                 * loop that changes nothing may end each quantum at another of its pcs):
                 * maybe a loop it cannot leave. The pc test keeps the decoding out of
                 * normal runs, where quanta end far apart. */
                enum stuck why = NOT_STUCK;
                uint64_t apart = hart_pc(h) - m->quantum_pc[k] + STUCK_NEAR;
                if (st == HART_STOP_BUDGET &&
                    (apart == STUCK_NEAR ||
                     (apart <= 2 * STUCK_NEAR && quantum >= MACHINE_QUANTUM_STEP &&
                      hart_at_self_loop(h))))
                    why = hart_stuck(h);
                if (why == NOT_STUCK) {
                    all_idle = false;
                } else {
                    if (!stuck) {
                        stuck = h;
                        stuck_why = why;
                    }
                    if (hart_takeable_irqs(h))
                        hopeless = false;
                }
            }
            m->quantum_pc[k] = hart_pc(h);
            if (n == 1)
                run_due(m, hart_cycles(h));
            if ((o->max_cycles && hart_cycles(h) >= o->max_cycles) ||
                (o->max_insns && hart_retired(h) + hart_traps(h) >= o->max_insns))
                limited = limited ? limited : h;
            reset_if_requested(m);
        }
        clock_follow(m, NULL);
        if (n > 1)
            run_due(m, machine_low_cycles(m));
        /* An event that fired after a hart stopped may have woken it. */
        for (unsigned k = 0; k < n; k++)
            if (hart_irq_wakeup(machine_hart(m, k)))
                all_waiting = false;
        if (m->on_quantum.n)
            LISTENERS_CALL(&m->on_quantum, machine_quantum_fn, m);
        struct hart *h0 = machine_hart(m, 0);
        /* The host asked hartlab to stop: here, between rounds (an instruction boundary
         * on every hart), unless the firmware ended the run first. */
        if (shutdown_signal())
            machine_exit_signal(m, shutdown_signal());
        if (m->exited) {
            const struct hart *eh = m->exit_hart ? m->exit_hart : h0;
            if (m->exit_signal) {
                if (!m->signal_reported)
                    report_signal(m, eh);
                report_harts(m);
                return exit_status(m->exit_code);
            }
            log_info("%s: exit code %d after %" PRIu64 " instructions, %" PRIu64 " cycles",
                     m->exit_reason ? m->exit_reason : "exit", m->exit_code, hart_retired(eh),
                     hart_cycles(eh));
            report_harts(m);
            return exit_status(m->exit_code);
        }
        if (m->break_hart || (m->stop_polls.n && stop_polled(m)))
            return MACHINE_RUN_STOPPED;
        if (limited) {
            report_stop(m, limited,
                        o->max_insns && hart_retired(limited) + hart_traps(limited) >= o->max_insns
                            ? "instruction limit reached (--max-insns)"
                            : "cycle limit reached (--max-cycles)");
            report_harts(m);
            return MACHINE_EXIT_LIMIT;
        }
        if (all_waiting && clock_next(&m->clock) == UINT64_MAX) {
            report_stop(m, h0,
                        "every hart is waiting (wfi) for an interrupt that nothing will raise");
            report_harts(m);
            return MACHINE_EXIT_HANG;
        }
        /* Harts stuck in loops (and the others in wfi): over when nothing can interrupt
         * them, because no event is coming or because none of them can take an interrupt. */
        if (stuck && all_idle && (hopeless || clock_next(&m->clock) == UINT64_MAX)) {
            bool still = true; /* an event that fired since may have raised one */
            for (unsigned k = 0; k < machine_nharts(m); k++)
                if (hart_irq_takeable_pending(machine_hart(m, k)))
                    still = false;
            if (still) {
                report_stuck(m, stuck, stuck_why, hopeless);
                return MACHINE_EXIT_HANG;
            }
        }
        all_waited = all_waiting;
    }
}

enum hart_stop machine_step_hart(struct machine *m, unsigned k)
{
    struct hart *h = machine_hart(m, k);
    clock_follow(m, h);
    run_due(m, hart_cycles(h));
    m->running = h;
    enum hart_stop st = hart_step(h);
    m->running = NULL;
    if (m->history)
        history_note(m->history, HISTORY_STEP, k);
    run_due(m, hart_cycles(h));
    reset_if_requested(m);
    clock_follow(m, NULL);
    return st;
}

/* ---- re-execution for the history (platform/history.c) ---- */

void machine_replay_due(struct machine *m, uint64_t cycle)
{
    /* Every logged check ran with the clock reading `cycle` (the slowest hart's time, or
     * the hart that just ran). */
    m->clock.now = NULL;
    m->clock.idle_now = cycle;
    clock_run_due(&m->clock, cycle);
}

enum hart_stop machine_replay_turn(struct machine *m, unsigned k, uint64_t until_cycles)
{
    struct hart *h = machine_hart(m, k);
    clock_follow(m, h);
    m->running = h;
    enum hart_stop st = hart_run(h, until_cycles);
    m->running = NULL;
    return st;
}

enum hart_stop machine_replay_step(struct machine *m, unsigned k, bool mask_irq)
{
    struct hart *h = machine_hart(m, k);
    struct hart_debug *d = hart_debug(h);
    bool was = d ? d->mask_irq : false;
    if (d)
        d->mask_irq = mask_irq;
    clock_follow(m, h);
    m->running = h;
    enum hart_stop st = hart_step(h);
    m->running = NULL;
    if (d)
        d->mask_irq = was;
    clock_follow(m, NULL);
    return st;
}

void machine_replay_reset(struct machine *m)
{
    m->reset_requested = false;
    m->bus.stop_requested = m->exited;
    reset_devices(m);
    machine_boot(m);
}

void machine_reset_harts(struct machine *m)
{
    machine_boot(m);
}

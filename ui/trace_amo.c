/* --trace=amo (see trace_amo.h): the hart events of the A extension (Unprivileged ISA 8.2
 * "Load-Reserved/Store-Conditional Instructions", 8.4 "Atomic Memory Operations") as they
 * happen, from hart_listen_atomic on every hart of the machine.
 */
#include "ui/trace_amo.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/disasm.h"
#include "core/hart.h"
#include "devices/clock.h"
#include "platform/machine.h"

struct trace_amo {
    struct machine *m;
    FILE *out;
};

/* The instruction's mnemonic ("amoadd.w.aqrl"): the first word of its disassembly. */
static void mnemonic(const struct hart *h, const struct insn *ins, char *out, size_t outlen)
{
    char text[96];
    disasm_insn(ins, hart_xlen(h), text, sizeof text);
    size_t n = strcspn(text, " ");
    snprintf(out, outlen, "%.*s", (int)n, text);
}

static void on_atomic(void *ctx, struct hart *h, const struct hart_atomic_event *ev)
{
    struct trace_amo *t = ctx;
    char op[32] = "lost";
    if (ev->ins)
        mnemonic(h, ev->ins, op, sizeof op);
    int w = hart_xlen(h) / 4;
    fprintf(t->out, "%12" PRIu64 " hart %" PRIu64 " %-14s %0*" PRIx64 "  ", clock_now(&t->m->clock),
            hart_id(h), op, w, ev->paddr);
    switch (ev->kind) {
    case HART_LR: fputs("reserved\n", t->out); break;
    case HART_SC_OK: fputs("ok\n", t->out); break;
    case HART_SC_FAIL: fputs("failed\n", t->out); break;
    case HART_RESV_LOST:
        if (ev->by_xret)
            fputs("reservation dropped by mret/sret\n", t->out);
        else if (ev->by)
            fprintf(t->out, "reservation broken by hart %" PRIu64 "'s store\n", hart_id(ev->by));
        else
            fputs("reservation broken by a store from outside the harts\n", t->out);
        break;
    case HART_AMO: fprintf(t->out, "%" PRIx64 " -> %" PRIx64 "\n", ev->old, ev->val); break;
    }
}

struct trace_amo *trace_amo_new(struct machine *m, FILE *out)
{
    struct trace_amo *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->m = m;
    t->out = out;
    for (unsigned k = 0; k < machine_nharts(m); k++)
        hart_listen_atomic(machine_hart(m, k), on_atomic, t);
    return t;
}

void trace_amo_free(struct trace_amo *t)
{
    if (!t)
        return;
    for (unsigned k = 0; k < machine_nharts(t->m); k++)
        hart_unlisten_atomic(machine_hart(t->m, k), on_atomic, t);
    free(t);
}

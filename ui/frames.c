/* Call-frame tracking (see frames.h) from decoded jal/jalr instructions: the Unprivileged
 * ISA, section 2.5 "Control Transfer Instructions", table of return-address prediction
 * hints (rd/rs1 = x1 or x5 push or pop). Only observes; the hart runs in single-step mode
 * while this is attached.
 */
#include "ui/frames.h"

#include <inttypes.h>
#include <stdlib.h>

#include "core/decode.h"
#include "core/hart.h"
#include "platform/machine.h"
#include "loader/symtab.h"
#include "ui/observe.h"

static bool is_link(unsigned r)
{
    return r == 1 || r == 5;
}

void frames_symbolize(const struct observe *ob, uint64_t addr, char *buf, size_t len)
{
    const struct machine *m = observe_machine(ob);
    const struct symbol *s = m->symbols ? symtab_lookup(m->symbols, addr) : NULL;
    if (s && addr >= s->addr && addr - s->addr < 0x100000) {
        if (addr == s->addr)
            snprintf(buf, len, "%s", s->name);
        else
            snprintf(buf, len, "%s+0x%" PRIx64, s->name, addr - s->addr);
    } else {
        snprintf(buf, len, "0x%" PRIx64, addr);
    }
}

static struct frame *top(struct frames *fr)
{
    return fr->depth && fr->depth <= FRAMES_MAX ? &fr->stack[fr->depth - 1] : NULL;
}

static void push(struct frames *fr, const struct frame *f)
{
    if (fr->depth < FRAMES_MAX)
        fr->stack[fr->depth] = *f;
    else
        fr->lost++;
    fr->depth++;
}

void frames_restart(struct frames *fr)
{
    struct hart *h = machine_hart(observe_machine(fr->ob), fr->hart);
    fr->depth = 0;
    fr->lost = 0;
    fr->since = hart_cycles(h);
    const struct machine *m = observe_machine(fr->ob);
    const struct symbol *s = m->symbols ? symtab_lookup(m->symbols, hart_pc(h)) : NULL;
    push(fr, &(struct frame){ .func = s ? s->addr : hart_pc(h),
                              .sp_entry = hart_reg(h, 2),
                              .sp_min = hart_reg(h, 2),
                              .cycle = hart_cycles(h) });
}

/* Call depth (trap frames excluded) of the innermost frame. */
static unsigned call_depth(const struct frames *fr)
{
    unsigned d = 0;
    for (unsigned k = 1; k < fr->depth && k < FRAMES_MAX; k++)
        if (!fr->stack[k].trap)
            d++;
    return d;
}

static void on_step(void *ctx, struct hart *h, const struct insn *ins)
{
    struct frames *fr = ctx;
    if (h != machine_hart(observe_machine(fr->ob), fr->hart))
        return;
    struct frame *t = top(fr);
    if (t && fr->depth == 1 && hart_reg(h, 2) > t->sp_entry)
        t->sp_entry = t->sp_min = hart_reg(h, 2); /* the outermost frame sets its stack up */
    else if (t && hart_reg(h, 2) < t->sp_min)
        t->sp_min = hart_reg(h, 2);
    if (ins->sem != INSN_jal && ins->sem != INSN_jalr)
        return;
    bool links = is_link(ins->rd);
    bool pops = ins->sem == INSN_jalr && is_link(ins->rs1) && (!links || ins->rs1 != ins->rd);
    char name[96], from[96];
    if (pops && fr->depth > 1 && t && !t->trap) {
        /* Pop to the frame whose saved return address this is, if there is one (a longjmp
         * or a tail call leaves frames behind); otherwise just the innermost. */
        unsigned k = fr->depth;
        while (k > 1 && k <= FRAMES_MAX && !fr->stack[k - 1].trap &&
               fr->stack[k - 1].ra != hart_pc(h))
            k--;
        if (k <= 1 || k > FRAMES_MAX || fr->stack[k - 1].trap)
            k = fr->depth;
        while (fr->depth >= k) {
            struct frame *f = top(fr);
            fr->returns++;
            if (fr->out && f) {
                frames_symbolize(fr->ob, f->func, name, sizeof name);
                unsigned d = call_depth(fr);
                fprintf(fr->out,
                        "%12" PRIu64 " %*s<- %s frame %" PRIu64 " bytes a0=0x%" PRIx64
                        " depth %u\n",
                        hart_cycles(h), (int)(2 * d), "", name, f->sp_entry - f->sp_min,
                        hart_reg(h, 10), d - 1);
            }
            fr->depth--;
        }
    }
    if (links) {
        struct frame f = { .func = hart_pc(h),
                           .sp_entry = hart_reg(h, 2),
                           .sp_min = hart_reg(h, 2),
                           .ra = hart_reg(h, ins->rd),
                           .cycle = hart_cycles(h) };
        push(fr, &f);
        fr->calls++;
        unsigned d = call_depth(fr);
        if (d > fr->max_depth)
            fr->max_depth = d;
        if (fr->out) {
            frames_symbolize(fr->ob, hart_pc(h), name, sizeof name);
            frames_symbolize(fr->ob, ins->pc, from, sizeof from);
            fprintf(fr->out,
                    "%12" PRIu64 " %*s-> %s from %s sp=0x%" PRIx64 " a0=0x%" PRIx64 " depth %u\n",
                    hart_cycles(h), (int)(2 * (d - 1)), "", name, from, hart_reg(h, 2),
                    hart_reg(h, 10), d);
        }
    }
}

static void on_trap(void *ctx, struct hart *h, uint64_t cause, uint64_t epc, uint64_t tval)
{
    struct frames *fr = ctx;
    if (h != machine_hart(observe_machine(fr->ob), fr->hart))
        return;
    push(fr, &(struct frame){ .func = hart_pc(h),
                              .sp_entry = hart_reg(h, 2),
                              .sp_min = hart_reg(h, 2),
                              .ra = epc,
                              .cycle = hart_cycles(h),
                              .trap = true,
                              .cause = cause });
    if (fr->out) {
        char name[96], at[96];
        frames_symbolize(fr->ob, hart_pc(h), name, sizeof name);
        frames_symbolize(fr->ob, epc, at, sizeof at);
        fprintf(fr->out, "%12" PRIu64 " %*s=> trap %s (mcause 0x%" PRIx64 ") at %s -> %s\n",
                hart_cycles(h), (int)(2 * call_depth(fr)), "",
                observe_cause_name(cause, hart_xlen(h)), cause, at, name);
    }
}

static void on_return(void *ctx, struct hart *h, uint64_t from_pc)
{
    struct frames *fr = ctx;
    if (h != machine_hart(observe_machine(fr->ob), fr->hart))
        return;
    unsigned k = fr->depth;
    while (k > 1 && !(k <= FRAMES_MAX && fr->stack[k - 1].trap))
        k--;
    if (k <= 1)
        return; /* a return without a trap we saw (tracking started inside a handler) */
    fr->depth = k - 1;
    if (fr->out) {
        char to[96];
        frames_symbolize(fr->ob, hart_pc(h), to, sizeof to);
        fprintf(fr->out, "%12" PRIu64 " %*s<= trap return to %s\n", hart_cycles(h),
                (int)(2 * call_depth(fr)), "", to);
    }
}

struct frames *frames_new(struct observe *ob, FILE *out)
{
    struct frames *fr = calloc(1, sizeof *fr);
    if (!fr)
        return NULL;
    fr->ob = ob;
    fr->out = out;
    frames_restart(fr);
    observe_on_step(ob, on_step, fr);
    observe_on_trap(ob, on_trap, fr);
    observe_on_trap_return(ob, on_return, fr);
    return fr;
}

void frames_follow(struct frames *fr, unsigned hart)
{
    if (hart < machine_nharts(observe_machine(fr->ob)))
        fr->hart = hart;
    frames_restart(fr);
}

void frames_free(struct frames *fr)
{
    if (fr && fr->out)
        fprintf(fr->out, "# frames: %" PRIu64 " calls, %" PRIu64 " returns, max depth %u\n",
                fr->calls, fr->returns, fr->max_depth);
    free(fr);
}

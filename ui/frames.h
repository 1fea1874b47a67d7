/* Call frames of one hart (hart 0 unless told), followed instruction by instruction: the
 * model behind --trace=frames and the panel's stack view.
 *
 * A call is a jal/jalr (any encoding) that links into ra or t0 (x1/x5, the link registers
 * of the Unprivileged ISA's return-address-stack hints, "JALR" in chapter 2.5); a return is
 * a jalr that does not link and jumps through x1/x5 (`ret`). A frame's size is how far sp
 * went below its value at entry while that frame was the innermost. Trap entry pushes a
 * trap frame (marked in the stack view) and mret/sret pops back through it.
 *
 * Usage:
 *     struct frames *fr = frames_new(ob, trace_file_or_NULL);   // registers with the hub
 *     ... run ...
 *     frames_free(fr);
 */
#ifndef HARTLAB_UI_FRAMES_H
#define HARTLAB_UI_FRAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct observe;

#define FRAMES_MAX 256

struct frame {
    uint64_t func;     /* entry address (the call target, or the trap handler) */
    uint64_t sp_entry; /* sp when it was entered */
    uint64_t sp_min;   /* lowest sp while it was the innermost frame */
    uint64_t ra;       /* the return address the call saved (trap frames: the epc) */
    uint64_t cycle;    /* when it was entered */
    bool trap;         /* a trap handler's frame */
    uint64_t cause;    /* trap frames: mcause */
};

struct frames {
    struct observe *ob;
    FILE *out; /* --trace=frames, or NULL */
    struct frame stack[FRAMES_MAX];
    unsigned depth;     /* frames on the stack (stack[0] is the entry function) */
    unsigned lost;      /* frames deeper than FRAMES_MAX, counted but not kept */
    unsigned max_depth; /* deepest call nesting seen */
    uint64_t calls, returns;
    uint64_t since; /* cycle tracking started */
    unsigned hart;  /* the hart followed (machine_hart index) */
};

struct frames *frames_new(struct observe *ob, FILE *out);
void frames_free(struct frames *fr);
/* Start over from the current pc and sp (the panel turns tracking on mid-run). */
void frames_restart(struct frames *fr);
/* Follow hart `hart` (an index of machine_hart; ignored if there is none) from now on,
 * starting over as frames_restart. */
void frames_follow(struct frames *fr, unsigned hart);
/* "name+0x12" for an address, from the firmware's symbols. */
void frames_symbolize(const struct observe *ob, uint64_t addr, char *buf, size_t len);

#endif

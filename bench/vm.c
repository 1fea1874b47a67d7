/* vm: a small stack-machine bytecode interpreter (one-byte opcodes, inline operands of one
 * or two bytes, a switch in a loop) running a loop-heavy program: the sum, over i below a
 * bound, of the Collatz step counts of i, folded into one 32-bit accumulator. This is the
 * shape of every scripting-language core: unpredictable indirect branches, byte loads,
 * and a data stack in memory. */
#include "bench.h"

enum vm_op {
    VM_HALT,
    VM_PUSH,  /* imm16: push it, zero-extended */
    VM_LOAD,  /* slot8: push local[slot] */
    VM_STORE, /* slot8: pop into local[slot] */
    VM_DUP,
    VM_ADD,
    VM_MUL,
    VM_AND,
    VM_SHR,
    VM_LT,  /* pops b then a, pushes a < b */
    VM_JMP, /* addr16 */
    VM_JZ,  /* addr16: pop, jump when zero */
};

enum vm_slot { SLOT_I, SLOT_N, SLOT_X, SLOT_S, SLOT_ACC, VM_SLOTS };

#define VM_CODE_MAX  256
#define VM_STACK_MAX 32

struct vm_asm {
    uint8_t code[VM_CODE_MAX];
    unsigned len;
};

static void vm_emit(struct vm_asm *a, enum vm_op op)
{
    a->code[a->len++] = (uint8_t)op;
}

static void vm_emit8(struct vm_asm *a, enum vm_op op, unsigned arg)
{
    vm_emit(a, op);
    a->code[a->len++] = (uint8_t)arg;
}

/* Returns where the operand went, so a forward jump can be patched. */
static unsigned vm_emit16(struct vm_asm *a, enum vm_op op, unsigned arg)
{
    vm_emit(a, op);
    unsigned at = a->len;
    a->code[a->len++] = (uint8_t)arg;
    a->code[a->len++] = (uint8_t)(arg >> 8);
    return at;
}

static void vm_patch(struct vm_asm *a, unsigned at, unsigned target)
{
    a->code[at] = (uint8_t)target;
    a->code[at + 1] = (uint8_t)(target >> 8);
}

static void vm_assemble(struct vm_asm *a)
{
    a->len = 0;
    vm_emit16(a, VM_PUSH, 1);
    vm_emit8(a, VM_STORE, SLOT_I);
    vm_emit16(a, VM_PUSH, 0);
    vm_emit8(a, VM_STORE, SLOT_ACC);
    unsigned loop_i = a->len;
    vm_emit8(a, VM_LOAD, SLOT_I);
    vm_emit8(a, VM_LOAD, SLOT_N);
    vm_emit(a, VM_LT);
    unsigned to_end = vm_emit16(a, VM_JZ, 0);
    vm_emit8(a, VM_LOAD, SLOT_I);
    vm_emit8(a, VM_STORE, SLOT_X);
    vm_emit16(a, VM_PUSH, 0);
    vm_emit8(a, VM_STORE, SLOT_S);
    unsigned loop_x = a->len;
    vm_emit16(a, VM_PUSH, 1);
    vm_emit8(a, VM_LOAD, SLOT_X);
    vm_emit(a, VM_LT);
    unsigned to_done = vm_emit16(a, VM_JZ, 0);
    vm_emit8(a, VM_LOAD, SLOT_X);
    vm_emit16(a, VM_PUSH, 1);
    vm_emit(a, VM_AND);
    unsigned to_even = vm_emit16(a, VM_JZ, 0);
    /* x = 3x + 1 as x + x + x + 1 */
    vm_emit8(a, VM_LOAD, SLOT_X);
    vm_emit(a, VM_DUP);
    vm_emit(a, VM_ADD);
    vm_emit8(a, VM_LOAD, SLOT_X);
    vm_emit(a, VM_ADD);
    vm_emit16(a, VM_PUSH, 1);
    vm_emit(a, VM_ADD);
    vm_emit8(a, VM_STORE, SLOT_X);
    unsigned to_next = vm_emit16(a, VM_JMP, 0);
    vm_patch(a, to_even, a->len);
    vm_emit8(a, VM_LOAD, SLOT_X);
    vm_emit16(a, VM_PUSH, 1);
    vm_emit(a, VM_SHR);
    vm_emit8(a, VM_STORE, SLOT_X);
    vm_patch(a, to_next, a->len);
    vm_emit8(a, VM_LOAD, SLOT_S);
    vm_emit16(a, VM_PUSH, 1);
    vm_emit(a, VM_ADD);
    vm_emit8(a, VM_STORE, SLOT_S);
    vm_emit16(a, VM_JMP, loop_x);
    vm_patch(a, to_done, a->len);
    vm_emit8(a, VM_LOAD, SLOT_ACC);
    vm_emit16(a, VM_PUSH, 31);
    vm_emit(a, VM_MUL);
    vm_emit8(a, VM_LOAD, SLOT_S);
    vm_emit(a, VM_ADD);
    vm_emit8(a, VM_STORE, SLOT_ACC);
    vm_emit8(a, VM_LOAD, SLOT_I);
    vm_emit16(a, VM_PUSH, 1);
    vm_emit(a, VM_ADD);
    vm_emit8(a, VM_STORE, SLOT_I);
    vm_emit16(a, VM_JMP, loop_i);
    vm_patch(a, to_end, a->len);
    vm_emit8(a, VM_LOAD, SLOT_ACC);
    vm_emit(a, VM_HALT);
}

/* Returns the top of the stack at HALT. The program is our own and well formed, so the
 * interpreter does not check stack bounds: that is what a production VM's verifier is for. */
static uint32_t vm_run(const uint8_t *code, uint32_t *local)
{
    uint32_t stack[VM_STACK_MAX];
    uint32_t *sp = stack; /* points past the top */
    const uint8_t *pc = code;
    for (;;) {
        uint32_t a, b;
        unsigned op = *pc++;
        switch (op) {
        case VM_HALT: return sp[-1];
        case VM_PUSH:
            *sp++ = (uint32_t)pc[0] | (uint32_t)pc[1] << 8;
            pc += 2;
            break;
        case VM_LOAD: *sp++ = local[*pc++]; break;
        case VM_STORE: local[*pc++] = *--sp; break;
        case VM_DUP:
            *sp = sp[-1];
            sp++;
            break;
        case VM_ADD:
            b = *--sp;
            sp[-1] += b;
            break;
        case VM_MUL:
            b = *--sp;
            sp[-1] *= b;
            break;
        case VM_AND:
            b = *--sp;
            sp[-1] &= b;
            break;
        case VM_SHR:
            b = *--sp;
            sp[-1] >>= b & 31;
            break;
        case VM_LT:
            b = *--sp;
            a = sp[-1];
            sp[-1] = a < b;
            break;
        case VM_JMP: pc = code + (pc[0] | pc[1] << 8); break;
        case VM_JZ:
            a = *--sp;
            pc = a == 0 ? code + (pc[0] | pc[1] << 8) : pc + 2;
            break;
        default: return 0xDEADBEEFu;
        }
    }
}

/* The same computation in C, for the self-check. */
static uint32_t vm_reference(uint32_t bound)
{
    uint32_t acc = 0;
    for (uint32_t i = 1; i < bound; i++) {
        uint32_t x = i, s = 0;
        while (x > 1) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            s++;
        }
        acc = acc * 31 + s;
    }
    return acc;
}

/* Collatz trajectories below 2^16 peak under 2^32, so 32-bit stack slots are exact. */
#define VM_BOUND 600u

int main(int argc, char **argv)
{
    unsigned long n = bench_size(argc, argv, 1);
    struct vm_asm prog;
    vm_assemble(&prog);
    uint32_t local[VM_SLOTS] = { 0 };
    local[SLOT_N] = 100;
    if (vm_run(prog.code, local) != vm_reference(100))
        return bench_fail("vm", "bytecode result differs from the C reference for 100");
    uint32_t sum = 0;
    for (unsigned long r = 0; r < n; r++) {
        local[SLOT_N] = VM_BOUND + (uint32_t)(r % 16);
        sum = (sum << 5 | sum >> 27) ^ vm_run(prog.code, local);
    }
    bench_report("vm", n, sum);
    return 0;
}

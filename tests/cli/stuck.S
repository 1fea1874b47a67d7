/* Firmware that can or cannot make progress, for stuck_test.py (docs/usage.md "Headless
 * tests"). One variant per build-time define, on the virt board:
 *   STUCK_JUMP    main returns into `_exit: j _exit` with interrupts off (as picolibc's
 *                 _exit without semihosting)                          -> 125, jump to itself
 *   STUCK_BRANCH  a taken conditional branch to itself, interrupts off  -> 125
 *   STUCK_TRAP    mtvec still 0, a load from 0x40000000 (nothing there) -> 125, trap loop
 *   STUCK_SLOOP   S-mode: an illegal instruction at stvec's own entry; no M interrupt
 *                 enabled                                               -> 125, trap loop
 *   WAIT_TIMER    `j .` with the machine timer enabled and a deadline 1,000,000 cycles
 *                 away: the handler ends the run through the finisher   -> 0
 *   WAIT_UART     `j .` with the UART's receive interrupt enabled through the PLIC: the
 *                 handler ends the run (finisher) on a 'q'              -> 0 (125 without input)
 *   WAIT_SLOOP    STUCK_SLOOP, but the machine timer (an M-level interrupt, always
 *                 enabled in S-mode) ends it                            -> 0
 *   STUCK_WFI     `1: wfi; j 1b` with the timer interrupt pending and enabled in mie but
 *                 mstatus.MIE off: wfi does not wait, the loop spins    -> 125, a loop
 *   WAIT_SWFI     the same loop in S-mode, a supervisor software interrupt pending but
 *                 sstatus.SIE off (wfi does not wait); the machine timer ends it -> 0
 * Privileged Architecture 1.12: mstatus (3.1.6), mtvec (3.1.7), medeleg (3.1.8), mie/mip
 * (3.1.9), mret (3.3.2); the CLINT, PLIC and NS16550A registers as on QEMU's virt. */
#define FINISHER  0x100000
#define MTIMECMP  0x2004000
#define MTIME     0x200bff8
#define PLIC      0xc000000
#define UART      0x10000000
#define UART_IRQ  10

#if __riscv_xlen == 32
#define LREG lw
#define SREG sw
#else
#define LREG ld
#define SREG sd
#endif

    .section .text.init, "ax"
    .globl _start
_start:
    la sp, stack_top
#if defined(WAIT_TIMER) || defined(WAIT_UART) || defined(WAIT_SLOOP) || defined(WAIT_SWFI)
    la t0, m_handler
    csrw mtvec, t0
#endif
    call main
    /* main returned: what picolibc's crt0 does without semihosting. */
    .globl _exit
_exit:
    j _exit

    .globl main
main:
#if defined(STUCK_JUMP)
    ret
#elif defined(STUCK_BRANCH)
    li t0, 5
    .globl spin_branch
spin_branch:
    bnez t0, spin_branch
    ret
#elif defined(STUCK_TRAP)
    li t0, 0x40000000
    lw t1, 0(t0)
    ret
#elif defined(STUCK_WFI)
    li t0, MTIMECMP         /* mtimecmp = 0: the timer interrupt is pending at once */
    sw zero, 0(t0)
    sw zero, 4(t0)
    li t0, 1 << 7           /* mie.MTIE; mstatus.MIE stays 0 */
    csrw mie, t0
    .globl wfi_loop
wfi_loop:
    wfi
    j wfi_loop
#elif defined(WAIT_SWFI)
    li t0, -1               /* S-mode may use all memory */
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    call timer_in_1m_cycles
    li t0, 1 << 1           /* the supervisor software interrupt goes to S-mode ... */
    csrw mideleg, t0
    li t0, (1 << 7) | (1 << 1)  /* ... enabled in mie with the machine timer */
    csrw mie, t0
    li t0, 1 << 1           /* mip.SSIP: pending now; sstatus.SIE is 0 */
    csrs mip, t0
    li t0, 3 << 11          /* mret into S-mode, at the loop */
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, wfi_loop
    csrw mepc, t0
    mret
    .globl wfi_loop
wfi_loop:
    wfi
    j wfi_loop
#elif defined(STUCK_SLOOP) || defined(WAIT_SLOOP)
    /* S-mode may use all memory (one PMP entry, NAPOT over the whole space: 3.7). */
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    /* Illegal instructions go to S-mode, whose handler starts with one (0x0000). */
    li t0, 1 << 2
    csrw medeleg, t0
    la t0, s_vector
    csrw stvec, t0
#if defined(WAIT_SLOOP)
    call timer_in_1m_cycles
    li t0, 1 << 7           /* mie.MTIE: taken in S-mode whatever mstatus.MIE says */
    csrw mie, t0
#endif
    li t0, 3 << 11          /* mstatus.MPP = S ... */
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, s_vector         /* ... and mret into the handler's faulting entry */
    csrw mepc, t0
    mret
#elif defined(WAIT_TIMER)
    call timer_in_1m_cycles
    li t0, 1 << 7
    csrw mie, t0
    csrsi mstatus, 8
    .globl idle
idle:
    j idle
#elif defined(WAIT_UART)
    li t0, PLIC + 4 * UART_IRQ      /* priority 1 */
    li t1, 1
    sw t1, 0(t0)
    li t0, PLIC + 0x2000            /* context 0 (M-mode hart 0) enables source 10 */
    li t1, 1 << UART_IRQ
    sw t1, 0(t0)
    li t0, PLIC + 0x200000          /* threshold 0 */
    sw zero, 0(t0)
    li t0, UART
    li t1, 1                        /* IER.ERBFI: received data available */
    sb t1, 1(t0)
    li t0, 1 << 11                  /* mie.MEIE */
    csrw mie, t0
    csrsi mstatus, 8
    .globl idle
idle:
    j idle
#endif

#if defined(WAIT_TIMER) || defined(WAIT_SLOOP) || defined(WAIT_SWFI)
/* mtimecmp = mtime + 100000 ticks (1,000,000 cycles at virt's 10 cycles a tick). */
timer_in_1m_cycles:
    li t0, MTIME
    LREG t1, 0(t0)
    li t2, 100000
    add t1, t1, t2
    li t0, MTIMECMP
#if __riscv_xlen == 32
    li t2, -1
    sw t2, 4(t0)
    sw t1, 0(t0)
    sw zero, 4(t0)
#else
    sd t1, 0(t0)
#endif
    ret
#endif

#if defined(WAIT_TIMER) || defined(WAIT_SLOOP) || defined(WAIT_UART) || defined(WAIT_SWFI)
    .balign 4
m_handler:
#if defined(WAIT_UART)
    li t0, PLIC + 0x200004          /* claim */
    lw t1, 0(t0)
    li t2, UART
    lbu t3, 0(t2)                   /* RBR */
    sw t1, 0(t0)                    /* complete */
    li t2, 'q'
    bne t3, t2, 1f
#endif
    li t0, FINISHER
    li t1, 0x5555
    sw t1, 0(t0)
1:  mret
#endif

#if defined(STUCK_SLOOP) || defined(WAIT_SLOOP)
    .balign 4
    .globl s_vector
s_vector:
    .half 0                 /* c.unimp: illegal, traps to stvec: here */
    .half 0
#endif

    .bss
    .balign 16
    .space 1024
stack_top:

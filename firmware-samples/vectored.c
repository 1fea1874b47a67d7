/* vectored: mtvec in vectored mode (Privileged Architecture 1.12 section 3.1.7): an
 * interrupt with cause n jumps to BASE + 4*n, an exception to BASE. The table below has
 * one jump per entry (assembled without compressed instructions, so each is 4 bytes) to
 * one handler per cause: the exception handler (an ecall), the machine software interrupt
 * (CLINT msip), the machine timer interrupt (CLINT mtimecmp) and the machine external
 * interrupt (the NS16550A's "transmitter holding register empty" interrupt, PLIC source
 * 10). Each cause is raised alone first; then all three interrupts are made pending at
 * once with mstatus.MIE clear, and the handlers run in the priority order of section 3.1.9
 * (external, software, timer) when MIE is set. Exits 0 if every handler ran when and in
 * the order it should, else 1.
 */
#include "bsp/bsp.h"

void vector_table(void);
void exception_handler(void);
void msi_handler(void);
void mti_handler(void);
void mei_handler(void);
void stray_handler(void);

__asm__(".section .text.vectors, \"ax\"\n"
        ".balign 256\n" /* BASE must be 4-byte aligned; some cores want more */
        ".globl vector_table\n"
        "vector_table:\n"
        ".option push\n"
        ".option norvc\n"
        "j exception_handler\n" /* 0: every exception */
        "j stray_handler\n"     /* 1: supervisor software */
        "j stray_handler\n"     /* 2 */
        "j msi_handler\n"       /* 3: machine software */
        "j stray_handler\n"     /* 4: supervisor timer */
        "j stray_handler\n"     /* 5 */
        "j stray_handler\n"     /* 6 */
        "j mti_handler\n"       /* 7: machine timer */
        "j stray_handler\n"     /* 8: supervisor external */
        "j stray_handler\n"     /* 9 */
        "j stray_handler\n"     /* 10 */
        "j mei_handler\n"       /* 11: machine external */
        ".option pop\n"
        ".text\n");

#define LOG_SIZE 8u
static volatile char order[LOG_SIZE + 1]; /* one letter per handler run: E, S, T, X */
static volatile unsigned norder;

static void record(char who)
{
    if (norder < LOG_SIZE)
        order[norder++] = who;
}

__attribute__((interrupt("machine"))) void exception_handler(void)
{
    BSP_TRAP_CFI();
    unsigned long cause = csr_read(mcause), epc = csr_read(mepc);
    uprintf("  exception handler (entry 0): mcause %lu\n", cause);
    if (cause != 11) { /* environment call from M-mode */
        uprintf("  unexpected exception at 0x%lx\n", epc);
        bsp_exit(BSP_EXIT_UNEXPECTED_TRAP);
    }
    csr_write(mepc, epc + 4); /* resume after the ecall */
    record('E');
}

__attribute__((interrupt("machine"))) void msi_handler(void)
{
    BSP_TRAP_CFI();
    MMIO32(CLINT_MSIP(0)) = 0; /* lowers MSIP */
    uprintf("  software interrupt handler (entry %u): mcause 0x%lx\n", IRQ_M_SOFT,
            csr_read(mcause));
    record('S');
}

__attribute__((interrupt("machine"))) void mti_handler(void)
{
    BSP_TRAP_CFI();
    clint_set_mtimecmp(UINT64_MAX); /* lowers MTIP: no deadline any more */
    uprintf("  timer interrupt handler (entry %u): mcause 0x%lx\n", IRQ_M_TIMER, csr_read(mcause));
    record('T');
}

__attribute__((interrupt("machine"))) void mei_handler(void)
{
    BSP_TRAP_CFI();
    unsigned src = plic_claim();
    /* Reading IIR reports (and clears) the THRE interrupt; IER = 0 keeps the next THR
     * write, the uprintf below, from raising it again. */
    uint8_t iir = uart_reg(UART_IIR);
    uart_reg(UART_IER) = 0;
    plic_complete(src);
    uprintf("  external interrupt handler (entry %u): mcause 0x%lx, PLIC source %u, IIR id "
            "0x%x\n",
            IRQ_M_EXT, csr_read(mcause), src, iir & UART_IIR_ID);
    record(src == UART0_IRQ && (iir & UART_IIR_ID) == UART_IIR_THRI ? 'X' : '?');
}

__attribute__((interrupt("machine"))) void stray_handler(void)
{
    BSP_TRAP_CFI();
    uprintf("  stray interrupt: mcause 0x%lx\n", csr_read(mcause));
    bsp_exit(BSP_EXIT_UNEXPECTED_TRAP);
}

static void wait_for(unsigned n)
{
    csr_clear(mstatus, MSTATUS_MIE);
    while (norder < n) {
        wfi();
        csr_set(mstatus, MSTATUS_MIE);
        csr_clear(mstatus, MSTATUS_MIE);
    }
}

int main(void)
{
    uart_init();
    unsigned long base = (unsigned long)vector_table;
    csr_write(mtvec, base | MTVEC_MODE_VECTORED);
    uprintf("vectored: mtvec mode %lu (vectored), base %s\n", csr_read(mtvec) & 3,
            (csr_read(mtvec) & ~3ul) == base ? "as written" : "CHANGED");

    uart_puts("1. ecall\n");
    __asm__ volatile("ecall");

    /* mtimecmp has no defined reset value (QEMU's is 0: a timer interrupt at once). */
    clint_set_mtimecmp(UINT64_MAX);
    csr_set(mie, MIE_MSIE | MIE_MTIE | MIE_MEIE);
    csr_set(mstatus, MSTATUS_MIE);

    uart_puts("2. msip = 1\n");
    MMIO32(CLINT_MSIP(0)) = 1;
    wait_for(2);

    uart_puts("3. mtimecmp = mtime + 1000\n");
    clint_set_mtimecmp(clint_mtime() + 1000);
    wait_for(3);

    uart_puts("4. PLIC source 10 enabled, UART IER.ETBEI = 1\n");
    plic_set_threshold(0);
    plic_enable(UART0_IRQ, 1);
    uart_reg(UART_IER) = UART_IER_ETBEI;
    wait_for(4);

    uart_puts("5. all three at once with mstatus.MIE = 0\n");
    csr_clear(mstatus, MSTATUS_MIE);
    uart_reg(UART_IER) = UART_IER_ETBEI;
    MMIO32(CLINT_MSIP(0)) = 1;
    clint_set_mtimecmp(0);
    /* MTIP follows mtime >= mtimecmp, MEIP the PLIC: give both a moment to show. */
    const unsigned long all = MIP_MSIP | MIP_MTIP | MIP_MEIP;
    unsigned long pending;
    while (((pending = csr_read(mip)) & all) != all)
        ;
    /* Nothing printed until the handlers have run: writing THR would lower the THRE
     * interrupt until the byte has left (at once on hartlab, later on QEMU). */
    csr_set(mstatus, MSTATUS_MIE);
    wait_for(7);
    uprintf("   (mip was 0x%lx when mstatus.MIE was set)\n", pending & all);

    order[norder] = '\0';
    const char *want = "ESTXXST";
    bool ok = true;
    for (unsigned i = 0; i < 8; i++) {
        if (order[i] != want[i]) {
            ok = false;
            break;
        }
        if (!want[i])
            break;
    }
    uprintf("handlers ran in the order %s: %s\n", (const char *)order,
            ok ? "as expected" : "WRONG (expected ESTXXST)");
    return ok ? 0 : 1;
}

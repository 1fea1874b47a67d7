/* bsp.h: the board support shared by the bare-metal samples (no C library): the addresses
 * of the devices on hartlab's `virt` and `mcu` boards (platform/boards/virt.dts, mcu.dts;
 * the build passes -DBOARD_VIRT or -DBOARD_MCU), CSR access for the machine-mode registers
 * of the RISC-V Privileged Architecture 1.12 chapter 3, and the small drivers in bsp.c:
 * a polled NS16550A transmitter with a tiny printf, the PLIC's priority/enable/threshold/
 * claim/complete registers (RISC-V PLIC Specification 1.0.0), the CLINT's msip, mtimecmp
 * and mtime (ACLINT 1.0 at SiFive CLINT offsets), and the SiFive test finisher that ends
 * the run. start.S calls main() and hands its return value to bsp_exit().
 */
#ifndef FIRMWARE_SAMPLES_BSP_H
#define FIRMWARE_SAMPLES_BSP_H

#include <stdbool.h>
#include <stdint.h>

#if defined(BOARD_VIRT)
#define UART0_BASE     0x10000000ul
#define UART0_IRQ      10u /* PLIC source */
#define UART0_CLOCK_HZ 3686400u
#define GPIO0_BASE     0x10060000ul
#define GPIO0_IRQ_BASE 32u       /* PLIC source of pin 0; pin n is GPIO0_IRQ_BASE + n */
#define TIMEBASE_HZ    10000000u /* /cpus timebase-frequency: mtime ticks per second */
#elif defined(BOARD_MCU)
#define UART0_BASE     0x10013000ul
#define UART0_IRQ      3u
#define UART0_CLOCK_HZ 16000000u
#define GPIO0_BASE     0x10012000ul
#define GPIO0_IRQ_BASE 8u
#define TIMEBASE_HZ    1000000u
/* The pins of mcu.dts's /leds and /buttons nodes (buttons are active low). */
#define LED_GREEN_PIN  19u
#define LED_BLUE_PIN   21u
#define LED_RED_PIN    22u
#define BUTTON0_PIN    9u
#define BUTTON1_PIN    10u
#else
#error "define BOARD_VIRT or BOARD_MCU"
#endif

#define FINISHER_BASE   0x100000ul
#define CLINT_BASE      0x2000000ul
#define PLIC_BASE       0xc000000ul
#define PLIC_CONTEXT_M0 0u /* hart 0, machine mode, on both boards */

/* ---- CSRs (Privileged Architecture 1.12, chapter 3) ---- */
#define MSTATUS_MIE         (1ul << 3)
#define MIP_MSIP            (1ul << 3)
#define MIP_MTIP            (1ul << 7)
#define MIP_MEIP            (1ul << 11)
#define MIE_MSIE            MIP_MSIP
#define MIE_MTIE            MIP_MTIP
#define MIE_MEIE            MIP_MEIP
#define MTVEC_MODE_DIRECT   0ul
#define MTVEC_MODE_VECTORED 1ul
#define MCAUSE_INTERRUPT    (1ul << (sizeof(unsigned long) * 8 - 1))
#define IRQ_M_SOFT          3u
#define IRQ_M_TIMER         7u
#define IRQ_M_EXT           11u

#define csr_read(csr)                                                                              \
    ({                                                                                             \
        unsigned long v_;                                                                          \
        __asm__ volatile("csrr %0, " #csr : "=r"(v_));                                             \
        v_;                                                                                        \
    })
#define csr_write(csr, val)  __asm__ volatile("csrw " #csr ", %0" ::"r"((unsigned long)(val)))
#define csr_set(csr, bits)   __asm__ volatile("csrs " #csr ", %0" ::"r"((unsigned long)(bits)))
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" ::"r"((unsigned long)(bits)))

/* First statement of every machine-mode trap handler (a function with
 * __attribute__((interrupt("machine")))): call-frame information saying that the handler's
 * return address is in mepc (DWARF register 4096 + 0x341), so GDB's backtrace from the
 * handler's body shows the interrupted function at the interrupted pc, not a stale caller
 * from the saved ra (docs/gdb.md). It emits no instruction. (Not .cfi_signal_frame: GDB
 * would then show the handler itself as "<signal handler called>".) */
#define BSP_TRAP_CFI() __asm__ volatile(".cfi_register ra, 4929")

static inline void wfi(void)
{
    __asm__ volatile("wfi");
}

/* mcycle as 64 bits on both XLENs (RV32 reads the halves with the usual retry loop). */
uint64_t read_mcycle(void);

#define MMIO32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define MMIO8(addr)  (*(volatile uint8_t *)(uintptr_t)(addr))

/* ---- NS16550A (PC16550D datasheet, table 2), registers one byte apart ---- */
#define UART_RBR           0u /* read, DLAB = 0 */
#define UART_THR           0u /* write, DLAB = 0 */
#define UART_DLL           0u /* DLAB = 1 */
#define UART_IER           1u
#define UART_DLM           1u /* DLAB = 1 */
#define UART_IIR           2u /* read */
#define UART_FCR           2u /* write */
#define UART_LCR           3u
#define UART_MCR           4u
#define UART_LSR           5u
#define UART_IER_ERBFI     0x01u /* received data available (and character timeout) */
#define UART_IER_ETBEI     0x02u /* transmitter holding register empty */
#define UART_IIR_NO_INT    0x01u
#define UART_IIR_ID        0x0eu
#define UART_IIR_THRI      0x02u
#define UART_IIR_RDI       0x04u
#define UART_IIR_CTI       0x0cu
#define UART_FCR_FIFO_EN   0x01u
#define UART_FCR_RX_RESET  0x02u
#define UART_FCR_TX_RESET  0x04u
#define UART_FCR_TRIGGER_1 0x00u
#define UART_LCR_8N1       0x03u
#define UART_LCR_DLAB      0x80u
#define UART_LSR_DR        0x01u
#define UART_LSR_THRE      0x20u
#define UART_BAUD          115200u

#define uart_reg(r) MMIO8(UART0_BASE + (r))

void uart_init(void); /* 115200 8N1, FIFOs off, interrupts off */
/* Wait for THRE, then write THR. Bytes go out as they are ("\n" is not expanded), so the
 * host sees exactly what the program printed. */
void uart_putc(char c);
void uart_puts(const char *s);
/* A small printf: %c %s %d %u %x with an optional 0/width and l/ll size, and %%. */
void uprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- PLIC (RISC-V PLIC Specification 1.0.0, "Memory Map") ---- */
#define PLIC_PRIORITY(src)    (PLIC_BASE + 4ul * (src))
#define PLIC_PENDING(src)     (PLIC_BASE + 0x1000ul + 4ul * ((src) / 32))
#define PLIC_ENABLE(ctx, src) (PLIC_BASE + 0x2000ul + 0x80ul * (ctx) + 4ul * ((src) / 32))
#define PLIC_THRESHOLD(ctx)   (PLIC_BASE + 0x200000ul + 0x1000ul * (ctx))
#define PLIC_CLAIM(ctx)       (PLIC_BASE + 0x200004ul + 0x1000ul * (ctx))

/* Give `src` a priority and enable it for hart 0's M-mode context. */
void plic_enable(unsigned src, unsigned priority);
void plic_set_threshold(unsigned threshold);
unsigned plic_claim(void);
void plic_complete(unsigned src);

/* ---- CLINT ---- */
#define CLINT_MSIP(hart)     (CLINT_BASE + 4ul * (hart))
#define CLINT_MTIMECMP(hart) (CLINT_BASE + 0x4000ul + 8ul * (hart))
#define CLINT_MTIME          (CLINT_BASE + 0xbff8ul)

uint64_t clint_mtime(void);
/* Write hart 0's mtimecmp without a spurious interrupt in between on RV32 (Privileged
 * Architecture 3.2.1: high word all ones first, then low, then high). */
void clint_set_mtimecmp(uint64_t when);

/* ---- SiFive GPIO0 (FE310-G002 manual, chapter "GPIO") ---- */
#define GPIO_INPUT_VAL  0x00u
#define GPIO_INPUT_EN   0x04u
#define GPIO_OUTPUT_EN  0x08u
#define GPIO_OUTPUT_VAL 0x0cu
#define GPIO_PUE        0x10u
#define GPIO_RISE_IE    0x18u
#define GPIO_RISE_IP    0x1cu
#define GPIO_FALL_IE    0x20u
#define GPIO_FALL_IP    0x24u
#define GPIO_IOF_EN     0x38u
#define GPIO_OUT_XOR    0x40u
#define gpio_reg(r)     MMIO32(GPIO0_BASE + (r))

/* ---- SiFive test finisher ---- */
#define FINISHER_PASS 0x5555u
#define FINISHER_FAIL 0x3333u /* (code << 16) | FINISHER_FAIL */

/* The exit status of a run that took a trap its sample did not expect. */
#define BSP_EXIT_UNEXPECTED_TRAP 99

/* End the run with exit status `code` (0 = pass). Never returns. */
void bsp_exit(int code) __attribute__((noreturn));

#endif

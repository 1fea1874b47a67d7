/* An S-mode payload for OpenSBI's fw_jump that asks the SBI for a system shutdown (System
 * Reset extension "SRST", RISC-V SBI specification v1.0 chapter 10: EID 0x53525354, FID 0,
 * a0 = reset type 0 "shutdown", a1 = reason). OpenSBI carries it out through the SiFive
 * test device it finds in the device tree, with a 16-bit store: 0x5555 for reason 0 (no
 * reason) and 0x3333 for reason 1 (system failure). Built with -DREASON=0 or 1. */
  .section .text.init
  .globl _start
_start:
  li a7, 0x53525354   /* EID: SRST */
  li a6, 0            /* FID 0: sbi_system_reset */
  li a0, 0            /* reset type: shutdown */
  li a1, REASON       /* reset reason */
  ecall
  /* Only reached if the SBI refused: a0 holds the error. */
1:
  wfi
  j 1b

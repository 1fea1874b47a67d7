/* An S-mode payload for OpenSBI's fw_jump that uses the Hart State Management extension
 * (RISC-V SBI specification v1.0 chapter 9: EID 0x48534D "HSM"; FID 0 hart_start(hartid,
 * start_addr, opaque), FID 1 hart_stop(), FID 2 hart_get_status(hartid): 0 STARTED,
 * 1 STOPPED) on every hart but the boot hart: each is found STOPPED, started at `secondary`
 * (which counts itself in `ran` and stops again), seen STOPPED again, and hart 1 is
 * started a second time. It prints through the legacy console_putchar (EID 0x01) and
 * shuts down with SRST (EID 0x53525354). The output does not depend on how the harts are
 * interleaved, so QEMU -smp N prints the same lines (tests/boot/sbi_hsm_test.py). Built
 * with -DNHARTS=N for a machine of N harts (ids 0..N-1). */
#define HSM 0x48534D

  .section .text.init
  .globl _start
_start:
  mv s0, a0              /* the boot hart */
  li s1, 0               /* harts found */
  la a0, msg_boot
  call puts
  li s2, 0               /* hart id to try */
next:
  addi s2, s2, 1
  li t0, NHARTS
  bgeu s2, t0, done
  beq s2, s0, next
  /* A hart that is still on its way into OpenSBI (QEMU runs harts in parallel) may not
   * be STOPPED yet: ask until it is. */
4:mv a0, s2
  call status
  li t0, 1
  bne a0, t0, 4b
  addi s1, s1, 1
  mv a0, s2
  call start
  li t0, 1
  call wait_ran          /* ran[s2] == 1 */
  call wait_stopped
  li a0, 'h'
  call putc
  addi a0, s2, '0'
  call putc
  la a0, msg_cycle
  call puts
  j next
done:
  /* Hart 1 (or 0 if the boot hart is 1) once more: started after a stop. */
  li s2, 1
  beq s2, s0, 1f
  j 2f
1:li s2, 0
2:mv a0, s2
  call start
  li t0, 2
  call wait_ran
  call wait_stopped
  la a0, msg_again
  call puts
  addi a0, s1, '1'       /* harts found + the boot hart */
  call putc
  la a0, msg_harts
  call puts
  li a7, 0x53525354      /* SRST: shutdown, no reason */
  li a6, 0
  li a0, 0
  li a1, 0
  ecall
fail:
  la a0, msg_fail
  call puts
  li a7, 0x53525354      /* SRST: shutdown, system failure */
  li a6, 0
  li a0, 0
  li a1, 1
  ecall
3:wfi
  j 3b

/* a0 = hart: its HSM status, or a negative SBI error. */
status:
  li a7, HSM
  li a6, 2
  ecall
  bnez a0, 1f
  mv a0, a1
  ret
1:li a0, -1
  ret

/* a0 = hart: hart_start at `secondary` with opaque = the hart. */
start:
  mv t1, ra
  mv a2, a0
  la a1, secondary
  li a7, HSM
  li a6, 0
  ecall
  bnez a0, fail
  mv ra, t1
  ret

/* Wait until ran[s2] == t0. */
wait_ran:
  la t1, ran
  slli t2, s2, 2
  add t1, t1, t2
1:lw t2, 0(t1)
  bne t2, t0, 1b
  ret

/* Wait until hart s2 is STOPPED again. */
wait_stopped:
  mv t3, ra
1:mv a0, s2
  call status
  li t0, 1
  bne a0, t0, 1b
  mv ra, t3
  ret

/* The other harts start here in S-mode with a0 = hart id, a1 = opaque (= hart id). */
secondary:
  la t1, ran
  slli t2, a0, 2
  add t1, t1, t2
  li t2, 1
  amoadd.w zero, t2, (t1)
  li a7, HSM
  li a6, 1               /* hart_stop: does not return */
  ecall
  j fail

putc:
  li a7, 1               /* legacy console_putchar */
  ecall
  ret

puts:
  mv t4, ra
  mv t5, a0
1:lbu a0, 0(t5)
  beqz a0, 2f
  call putc
  addi t5, t5, 1
  j 1b
2:mv ra, t4
  ret

  .section .rodata
msg_boot:  .asciz "hsm: the boot hart starts the others\n"
msg_cycle: .asciz ": stopped, started, ran, stopped\n"
msg_again: .asciz "hsm: a stopped hart started again\n"
msg_harts: .asciz " harts\n"
msg_fail:  .asciz "hsm: FAILED\n"

  .data
  .balign 4
ran: .word 0, 0, 0, 0, 0, 0, 0, 0

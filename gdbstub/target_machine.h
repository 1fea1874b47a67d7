/* The GDB stub's view of a `struct machine`: `gdb_target_ops` implemented over the harts,
 * the bus and the run loop, plus the `monitor` commands that know about the board's
 * interrupt controllers (see docs/gdb.md).
 *
 * Usage:
 *     struct machine_target *mt = machine_target_new(m);
 *     struct gdbstub *s = gdbstub_new("1234", &machine_target_ops, mt, err, sizeof err);
 *     int status = gdbstub_serve(s, wait);
 *     gdbstub_free(s); machine_target_free(mt);
 */
#ifndef HARTLAB_GDBSTUB_TARGET_MACHINE_H
#define HARTLAB_GDBSTUB_TARGET_MACHINE_H

#include "gdbstub/gdbstub.h"

struct machine;
struct machine_target;

extern const struct gdb_target_ops machine_target_ops;

struct machine_target *machine_target_new(struct machine *m);
void machine_target_free(struct machine_target *mt);

#endif

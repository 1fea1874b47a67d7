/* nbody: the five-body Jovian planets simulation (Sun, Jupiter, Saturn, Uranus, Neptune;
 * the initial conditions of the Computer Language Benchmarks Game, units of AU, years and
 * solar masses), advanced with a symplectic Euler step of 0.01 years. Double-precision
 * adds, multiplies, divides and square roots (the D extension), so it is built for
 * rv64gc/lp64d only. The checksum is the bit pattern of the final energy: IEEE 754
 * arithmetic is exactly rounded, so two correct simulators agree to the last bit. */
#include "bench.h"
#include <string.h>

#define NB_BODIES        5
#define NB_PI            3.141592653589793
#define NB_SOLAR_MASS    (4 * NB_PI * NB_PI)
#define NB_DAYS_PER_YEAR 365.24

struct nb_body {
    double x, y, z, vx, vy, vz, mass;
};

static struct nb_body nb_system[NB_BODIES] = {
    { 0, 0, 0, 0, 0, 0, NB_SOLAR_MASS },
    { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03 * NB_DAYS_PER_YEAR, 7.69901118419740425e-03 * NB_DAYS_PER_YEAR,
      -6.90460016972063023e-05 * NB_DAYS_PER_YEAR, 9.54791938424326609e-04 * NB_SOLAR_MASS },
    { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03 * NB_DAYS_PER_YEAR, 4.99852801234917238e-03 * NB_DAYS_PER_YEAR,
      2.30417297573763929e-05 * NB_DAYS_PER_YEAR, 2.85885980666130812e-04 * NB_SOLAR_MASS },
    { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03 * NB_DAYS_PER_YEAR, 2.37847173959480950e-03 * NB_DAYS_PER_YEAR,
      -2.96589568540237556e-05 * NB_DAYS_PER_YEAR, 4.36624404335156298e-05 * NB_SOLAR_MASS },
    { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03 * NB_DAYS_PER_YEAR, 1.62824170038242295e-03 * NB_DAYS_PER_YEAR,
      -9.51592254519715870e-05 * NB_DAYS_PER_YEAR, 5.15138902046611451e-05 * NB_SOLAR_MASS },
};

/* Gives the system zero total momentum by moving the Sun. */
static void nb_offset_momentum(struct nb_body *b)
{
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < NB_BODIES; i++) {
        px += b[i].vx * b[i].mass;
        py += b[i].vy * b[i].mass;
        pz += b[i].vz * b[i].mass;
    }
    b[0].vx = -px / NB_SOLAR_MASS;
    b[0].vy = -py / NB_SOLAR_MASS;
    b[0].vz = -pz / NB_SOLAR_MASS;
}

static double nb_energy(const struct nb_body *b)
{
    double e = 0;
    for (int i = 0; i < NB_BODIES; i++) {
        e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < NB_BODIES; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].mass * b[j].mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void nb_advance(struct nb_body *b, double dt)
{
    for (int i = 0; i < NB_BODIES; i++) {
        for (int j = i + 1; j < NB_BODIES; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * __builtin_sqrt(d2));
            b[i].vx -= dx * b[j].mass * mag;
            b[i].vy -= dy * b[j].mass * mag;
            b[i].vz -= dz * b[j].mass * mag;
            b[j].vx += dx * b[i].mass * mag;
            b[j].vy += dy * b[i].mass * mag;
            b[j].vz += dz * b[i].mass * mag;
        }
    }
    for (int i = 0; i < NB_BODIES; i++) {
        b[i].x += dt * b[i].vx;
        b[i].y += dt * b[i].vy;
        b[i].z += dt * b[i].vz;
    }
}

/* Energy in units of 1e-9, rounded to nearest; printed so people can read it. */
static long nb_nano(double e)
{
    return (long)(e * 1e9 + (e < 0 ? -0.5 : 0.5));
}

#define NB_STEPS_PER_REP 1000

int main(int argc, char **argv)
{
    unsigned long n = bench_size(argc, argv, 1);
    nb_offset_momentum(nb_system);
    double e0 = nb_energy(nb_system);
    /* The Benchmarks Game's published output starts with -0.169075164. */
    if (nb_nano(e0) != -169075164L)
        return bench_fail("nbody", "initial energy is not -0.169075164");
    for (unsigned long r = 0; r < n; r++)
        for (int s = 0; s < NB_STEPS_PER_REP; s++)
            nb_advance(nb_system, 0.01);
    double e1 = nb_energy(nb_system);
    uint64_t bits;
    memcpy(&bits, &e1, sizeof bits);
    printf("nbody energy %ld e-9 after %lu steps (0x%08lx%08lx)\n", nb_nano(e1),
           n * NB_STEPS_PER_REP, (unsigned long)(bits >> 32), (unsigned long)(bits & 0xFFFFFFFF));
    bench_report("nbody", n, (uint32_t)(bits >> 32) ^ (uint32_t)bits);
    return 0;
}

/* A picolibc program (RV64GC, lp64d hard-float ABI) whose output must be the same on hartlab
 * and on QEMU: printf's %a and %.17g of doubles and floats, and several libm functions
 * (sqrt, sin, cos, exp, log, pow, fma, and their float forms) over a sweep of arguments,
 * including subnormals, infinities, NaNs and rounding-sensitive cases, and the fflags each
 * computation leaves. Everything printed depends on every bit of the FP results. */
#include <fenv.h>
#include <math.h>
#include <stdio.h>

static void show(const char *what, double x)
{
    printf("%-10s %a %.17g\n", what, x, x);
}

int main(void)
{
    static const double args[] = {
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        2.0,
        3.0,
        10.0,
        0.1,
        1e-300,
        4.9406564584124654e-324,
        2.2250738585072014e-308,
        1.7976931348623157e308,
        3.141592653589793,
        1e22,
        123456.789,
        -2.5,
        700.0,
        -745.0,
        1e-5,
        INFINITY,
        -INFINITY,
        NAN,
    };
    for (unsigned i = 0; i < sizeof args / sizeof args[0]; i++) {
        double x = args[i];
        printf("x = %a\n", x);
        feclearexcept(FE_ALL_EXCEPT);
        show("sqrt", sqrt(x));
        show("sin", sin(x));
        show("cos", cos(x));
        show("exp", exp(x));
        show("log", log(x));
        show("pow", pow(x, 1.0 / 3.0));
        show("pow2", pow(1.0000001, x));
        show("fma", fma(x, 3.0, -x));
        show("div", 1.0 / x);
        show("sqrtf", sqrtf((float)x));
        show("sinf", sinf((float)x));
        show("expf", expf((float)x));
        show("logf", logf((float)x));
        printf("flags %x\n", fetestexcept(FE_ALL_EXCEPT));
    }
    /* The rounding mode is honoured by the arithmetic printf then shows. */
    static const int modes[] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };
    for (unsigned m = 0; m < 4; m++) {
        fesetround(modes[m]);
        volatile double a = 1.0, b = 3.0;
        volatile float c = 2.0f;
        show("1/3", a / b);
        show("-1/3", -a / b);
        show("sqrt2f", sqrtf(c));
    }
    fesetround(FE_TONEAREST);
    double s = 0;
    for (int k = 1; k <= 1000; k++)
        s += 1.0 / ((double)k * k);
    show("zeta2", s);
    return 0;
}

/* args: prints the command line the host passed through semihosting (SYS_GET_CMDLINE,
 * which picolibc's crt0-semihost splits at spaces into argc/argv) and returns 3, so a
 * runner can check that a nonzero exit status travels back to the host. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("argc = %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    return 3;
}

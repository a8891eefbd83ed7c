/* A small STREAM-style bandwidth benchmark (copy, scale, add, triad), written for this course.

   Same conventions as McCalpin's STREAM: each kernel runs NTIMES times over arrays of N doubles,
   the first run is discarded, and the rate counts each array read or written once (copy and
   scale 16 byte per element, add and triad 24), so write-allocate traffic is not counted.
   Build: gcc -O3 -fopenmp -march=native -o stream tools/stream.c
   Run:   ./stream [N] [NTIMES]      (defaults: 2^24 elements, 10 repetitions)
   Output: one line per kernel: name, best MB/s, median MB/s, best seconds (1 MB = 1e6 byte). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static int compare(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1L << 24;
    int ntimes = argc > 2 ? atoi(argv[2]) : 10;
    if (n < 1024 || ntimes < 3) {
        fprintf(stderr, "need N >= 1024 and NTIMES >= 3\n");
        return 2;
    }
    double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double)),
           *c = malloc(n * sizeof(double));
    double *times = malloc(ntimes * sizeof(double));
    if (!a || !b || !c || !times) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    const double s = 3.0;
#pragma omp parallel for schedule(static)
    for (long j = 0; j < n; j++) { a[j] = 1.0; b[j] = 2.0; c[j] = 0.0; } /* first touch */

    const char *names[4] = {"copy", "scale", "add", "triad"};
    const double words[4] = {2, 2, 3, 3};
    printf("threads %d n %ld ntimes %d\n", omp_get_max_threads(), n, ntimes);
    for (int kernel = 0; kernel < 4; kernel++) {
        for (int t = 0; t < ntimes; t++) {
            double start = omp_get_wtime();
            switch (kernel) {
            case 0:
#pragma omp parallel for schedule(static)
                for (long j = 0; j < n; j++) c[j] = a[j];
                break;
            case 1:
#pragma omp parallel for schedule(static)
                for (long j = 0; j < n; j++) b[j] = s * c[j];
                break;
            case 2:
#pragma omp parallel for schedule(static)
                for (long j = 0; j < n; j++) c[j] = a[j] + b[j];
                break;
            default:
#pragma omp parallel for schedule(static)
                for (long j = 0; j < n; j++) a[j] = b[j] + s * c[j];
            }
            times[t] = omp_get_wtime() - start;
        }
        qsort(times + 1, ntimes - 1, sizeof(double), compare); /* drop the first run */
        double best = times[1], median = times[1 + (ntimes - 1) / 2];
        double bytes = words[kernel] * sizeof(double) * n;
        printf("%s %.1f %.1f %.6f\n", names[kernel], 1e-6 * bytes / best, 1e-6 * bytes / median,
               best);
    }
    /* check the values as STREAM does: a, b, c follow from the kernel sequence */
    double ea = 1.0, eb = 2.0, ec = 0.0;
    ec = ea; eb = s * ec; ec = ea + eb; ea = eb + s * ec; /* each kernel's result is idempotent */
    if (a[n / 2] != ea || b[n / 2] != eb || c[n / 2] != ec) {
        fprintf(stderr, "wrong results\n");
        return 1;
    }
    free(a); free(b); free(c); free(times);
    return 0;
}

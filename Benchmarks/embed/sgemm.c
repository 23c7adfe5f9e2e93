/* OpenBLAS's own sgemm rate on this machine, as the ceiling the BERT encoder is measured
 * against: the shapes of MiniLM's FFN projection on a batch of packed tokens
 * (M = 4096 tokens, N = 1536, K = 384), best of 5 runs. Usage: sgemm [threads]. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    openblas_set_num_threads(threads);
    const int m = 4096, n = 1536, k = 384;
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * n * k), *c = malloc(sizeof(float) * m * n);
    for (long i = 0; i < (long)m * k; i++) a[i] = (float)(i % 7) * 0.1f;
    for (long i = 0; i < (long)n * k; i++) b[i] = (float)(i % 5) * 0.1f;
    double best = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        /* C = A · Bᵀ, as a linear layer with PyTorch's weight layout. */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, b, k, 0, c, n);
        double t = now() - t0;
        if (t < best) best = t;
    }
    printf("%.1f\n", 2.0 * m * n * k / best / 1e9);
    return 0;
}

// OpenBLAS's CBLAS interface plus its thread-count control (libopenblas-dev).
#include <cblas.h>

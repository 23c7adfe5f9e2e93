// OpenBLAS's CBLAS interface plus its thread-count control (libopenblas-dev).
#include <cblas.h>

// Not in cblas.h, but exported by every OpenBLAS build with threading (0.3.x; its fork
// handler calls it): stops the library's worker threads. The next threaded BLAS call starts
// them again. After a call returns, the idle workers spin on sched_yield for about 2^28
// cycles (THREAD_TIMEOUT) before they sleep, taking a core from whatever runs next on our own
// threads; a program that is about to do its own parallel work stops them first.
int blas_thread_shutdown_(void);

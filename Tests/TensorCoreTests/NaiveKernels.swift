// Naive scalar twins of the TensorCore kernels: the oracles the fast kernels are tested against.

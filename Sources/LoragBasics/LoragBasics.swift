// LoragBasics: the bottom layer shared by every library — JSON values with ordered keys,
// SHA-256, small helpers. No dependencies, no I/O.

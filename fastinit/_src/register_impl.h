/* The kernel table of one SIMD path. kern_*.c include this file AFTER they
 * have popped their target pragma, so fi_register_<path> is compiled for the
 * build's default target: it only stores the addresses of the path's
 * kernels and runs on any CPU. (Compiled under the AVX-512 target, GCC was
 * free to fill the table with zmm stores, and did: SIGILL at import on every
 * CPU without AVX-512.) */
#define FI_REGISTER_DTYPE(CODE, SFX, ...)                                        \
    t->k[FI_CONSTANT][CODE] = FI_SFX(k_constant_##SFX);                          \
    t->k[FI_UNIFORM][CODE] = FI_SFX(k_uniform_##SFX);                            \
    t->k[FI_NORMAL][CODE] = FI_SFX(k_normal_##SFX);                              \
    t->k[FI_TRUNCNORM][CODE] = FI_SFX(k_truncnorm_##SFX);                        \
    t->runs[FI_NORMAL][CODE] = FI_SFX(k_normal_runs_##SFX);                      \
    t->runs[FI_TRUNCNORM][CODE] = FI_SFX(k_truncnorm_runs_##SFX);

void FI_SFX(fi_register)(fi_table *t)
{
    FI_DTYPE_TABLE(FI_REGISTER_DTYPE)
}
#undef FI_REGISTER_DTYPE

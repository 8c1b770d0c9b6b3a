/* The kernel table of one SIMD path. kern_*.c include this file AFTER they
 * have popped their target pragma, so fi_register_<path> is compiled for the
 * build's default target: it only stores the addresses of the path's
 * kernels and runs on any CPU. (Compiled under the AVX-512 target, GCC was
 * free to fill the table with zmm stores, and did: SIGILL at import on every
 * CPU without AVX-512.) */
void FI_SFX(fi_register)(fi_kernel t[FI_NDISTS][FI_NDTYPES])
{
    t[FI_CONSTANT][FI_F32] = FI_SFX(k_constant_f32);
    t[FI_CONSTANT][FI_F64] = FI_SFX(k_constant_f64);
    t[FI_CONSTANT][FI_F16] = FI_SFX(k_constant_f16);
    t[FI_UNIFORM][FI_F32] = FI_SFX(k_uniform_f32);
    t[FI_UNIFORM][FI_F64] = FI_SFX(k_uniform_f64);
    t[FI_UNIFORM][FI_F16] = FI_SFX(k_uniform_f16);
    t[FI_NORMAL][FI_F32] = FI_SFX(k_normal_f32);
    t[FI_NORMAL][FI_F64] = FI_SFX(k_normal_f64);
    t[FI_NORMAL][FI_F16] = FI_SFX(k_normal_f16);
    t[FI_TRUNCNORM][FI_F32] = FI_SFX(k_truncnorm_f32);
    t[FI_TRUNCNORM][FI_F64] = FI_SFX(k_truncnorm_f64);
    t[FI_TRUNCNORM][FI_F16] = FI_SFX(k_truncnorm_f16);
}

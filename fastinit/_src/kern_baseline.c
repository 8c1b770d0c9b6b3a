/* The portable path: whatever the build's default target allows. */
#define FI_SFX(name) name##_baseline
#include "kernels_impl.h"
#include "register_impl.h"

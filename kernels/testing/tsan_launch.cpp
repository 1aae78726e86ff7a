// Runs one kernel of the ThreadSanitizer build of the emulation, so a test can read TSan's report on stderr.
// Usage: tsan_launch <kernel>; known: test_block_reverse, test_block_reverse_no_barrier, test_warp_ops, rms_norm_f32.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

extern "C" int kemu_launch_kernel(const char*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void**);
extern "C" const char* kemu_last_error();

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const char* kernel = argv[1];
    std::vector<float> a(4 * 1024), b(4 * 1024), w(1024, 1.5f);
    for (std::size_t i = 0; i < a.size(); i++) a[i] = std::sin(static_cast<float>(i));
    float *out = b.data(), *in = a.data(), *weight = w.data();
    float eps = 1e-5f;
    int dim = 1024;
    int rc;
    if (std::strcmp(kernel, "rms_norm_f32") == 0) {
        void* args[] = {&out, &in, &weight, &eps, &dim};
        rc = kemu_launch_kernel(kernel, 4, 1, 1, 256, 1, 1, 0, args);
    } else if (std::strcmp(kernel, "test_warp_ops") == 0) {
        std::vector<int> r(6 * 128);
        int* ro = r.data();
        void* args[] = {&ro};
        rc = kemu_launch_kernel(kernel, 1, 1, 1, 128, 1, 1, 0, args);
    } else {
        void* args[] = {&out, &in};
        rc = kemu_launch_kernel(kernel, 4, 1, 1, 256, 1, 1, 0, args);
    }
    std::printf("%s: rc=%d %s\n", kernel, rc, kemu_last_error());
    return rc;
}

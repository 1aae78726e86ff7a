// Runs one kernel of the ThreadSanitizer build of the emulation, so a test can read TSan's report on stderr.
// Usage: tsan_launch <kernel>; known: test_block_reverse, test_block_reverse_no_barrier, test_warp_ops, rms_norm_f32,
// paged_attention_prefill_f32_f32, paged_attention_decode_split_f32_f32 (partition + reduce), sample_f32,
// sgmv_expand_f32: the kernels that stage data in shared memory between barriers, on small shapes.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

extern "C" int kemu_launch_kernel(const char*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void**);
extern "C" const char* kemu_last_error();

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    const char* kernel = argv[1];
    std::vector<float> a(16 * 1024), b(16 * 1024), w(1024, 1.5f);
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
    } else if (std::strcmp(kernel, "paged_attention_prefill_f32_f32") == 0) {
        // One sequence: 40 positions in blocks 2, 0, 1 of 16, the last 20 new (two query tiles); 2 q heads over 1 KV head.
        int tables[] = {2, 0, 1}, starts[] = {0, 20}, contexts[] = {40};
        int *pt = tables, *ps = starts, *pc = contexts, max_blocks = 3, q_heads = 2, kv_heads = 1, head_dim = 64, block = 16,
            window = 0, q_stride = 128;
        float scale = 0.125f, *q = in, *cache = a.data(), *o = out;
        void* args[] = {&o, &q, &cache, &cache, &pt, &ps, &pc, &max_blocks, &q_heads, &kv_heads, &head_dim, &block, &scale, &window, &q_stride};
        rc = kemu_launch_kernel(kernel, 2, 1, 2, 128, 1, 1, (4 * 16 * 64 + 256) * 4, args);
    } else if (std::strcmp(kernel, "paged_attention_decode_split_f32_f32") == 0) {
        // Context 100 in partitions of 32 (the last partial), then the reduce; 2 q heads over 1 KV head, head dim 64.
        int tables[] = {3, 1, 0, 2, 4, 5, 6}, contexts[] = {100};
        int *pt = tables, *pc = contexts, max_blocks = 7, q_heads = 2, kv_heads = 1, head_dim = 64, block = 16, window = 0, q_stride = 128,
            partition = 32, partitions = 4;
        float scale = 0.125f, *q = in, *cache = a.data(), *o = out;
        std::vector<float> work(2 * 4 * (64 + 2));
        float *partial = work.data(), *maxes = partial + 2 * 4 * 64, *sums = maxes + 2 * 4;
        void* args[] = {&partial, &maxes, &sums, &q, &cache, &cache, &pt, &pc, &max_blocks, &q_heads, &kv_heads, &head_dim, &block,
                        &scale, &window, &q_stride, &partition};
        rc = kemu_launch_kernel("paged_attention_decode_partition_f32_f32", 2, 1, 4, 128, 1, 1, (64 + 2 * 64 + 32) * 4, args);
        if (rc == 0) {
            void* reduce[] = {&o, &partial, &maxes, &sums, &pc, &q_heads, &head_dim, &window, &partition, &partitions};
            rc = kemu_launch_kernel("paged_attention_decode_reduce_f32", 2, 1, 1, 128, 1, 1, partitions * 4, reduce);
        }
    } else if (std::strcmp(kernel, "sample_f32") == 0) {
        // Two rows of 200 logits with every filter on (top-k 50, top-p 0.9, min-p 0.01).
        int vocab = 200, top_k[] = {50, 50}, tokens[2];
        float temperature[] = {0.8f, 1.0f}, top_p[] = {0.9f, 0.9f}, min_p[] = {0.01f, 0.01f};
        unsigned long long seeds[] = {1, 2}, steps[] = {0, 7};
        int *pt = tokens, *pk = top_k;
        float *pl = in, *ptemp = temperature, *pp = top_p, *pm = min_p;
        unsigned long long *pseed = seeds, *pstep = steps;
        void* args[] = {&pt, &pl, &vocab, &ptemp, &pk, &pp, &pm, &pseed, &pstep};
        rc = kemu_launch_kernel(kernel, 2, 1, 1, 64, 1, 1, 0, args);
    } else if (std::strcmp(kernel, "sgmv_expand_f32") == 0) {
        // One segment of 11 rows (two tiles) on slot 1 of 2, rank 16 of max 16, 300 outputs (two chunks).
        int ranks[] = {8, 16}, starts[] = {0, 11}, slots[] = {1}, out_features = 300, max_rank = 16;
        int *pr = ranks, *ps = starts, *psl = slots;
        float *y = out, *t = in, *bt = a.data() + 1024;
        void* args[] = {&y, &t, &bt, &pr, &ps, &psl, &out_features, &max_rank};
        rc = kemu_launch_kernel(kernel, 1, 2, 2, 256, 1, 1, 0, args);
    } else {
        void* args[] = {&out, &in};
        rc = kemu_launch_kernel(kernel, 4, 1, 1, 256, 1, 1, 0, args);
    }
    std::printf("%s: rc=%d %s\n", kernel, rc, kemu_last_error());
    return rc;
}

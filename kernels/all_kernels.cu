// The fatbin's single translation unit: nvcc -fatbin takes one input, and a module is one cubin per arch.
// Every kernel file is listed here; the emulation library compiles them one by one instead.
#include "embedding.cu"
#include "gemv_q8_0.cu"
#include "kv_write.cu"
#include "paged_attention_decode.cu"
#include "paged_attention_decode_split.cu"
#include "paged_attention_prefill.cu"
#include "rms_norm.cu"
#include "rope.cu"
#include "silu_mul.cu"

// The per-thread cache of 16 KiB read blocks (read_buffer.hpp).
#include "read_buffer.hpp"

namespace openrouter::detail {

namespace {

constexpr int cached_blocks = 4;

struct block_cache {
  void* blocks[cached_blocks] = {};
  int n = 0;
  ~block_cache();
};

// Set when the thread's cache is gone (thread exit): later blocks go straight to the heap. A
// plain bool has no destructor, so it stays readable while the thread's other objects die.
thread_local bool cache_gone = false;
thread_local block_cache cache;

block_cache::~block_cache() {
  cache_gone = true;
  while (n > 0) ::operator delete(blocks[--n]);
}

}  // namespace

void* new_read_block() noexcept {
  if (!cache_gone && cache.n > 0) return cache.blocks[--cache.n];
  return ::operator new(read_block_size, std::nothrow);
}

void free_read_block(void* p) noexcept {
  if (!p) return;
  if (!cache_gone && cache.n < cached_blocks) cache.blocks[cache.n++] = p;
  else ::operator delete(p);
}

}  // namespace openrouter::detail

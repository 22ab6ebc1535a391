#pragma once
// The read buffer of a connection and of the exchange that reads through it. A connection gives
// its buffer back whenever a read will wait (a stream between tokens, a request waiting for its
// answer, a connection parked in the pool) and takes a full block again for a burst, so a
// busy connection would allocate and free a 16 KiB block on every request: glibc serves such a
// block from its large bins and merges every cached small chunk first (malloc_consolidate). The
// blocks of exactly that size are recycled here through a small per-thread cache instead; every
// other size goes to the heap. Private to src/lib.
#include <boost/beast/core/flat_buffer.hpp>

#include <cstddef>
#include <new>

namespace openrouter::detail {

/// The size of the block a read burst gets (connection::read_buffer_size).
inline constexpr std::size_t read_block_size = 16 * 1024;

/// The per-thread cache of read blocks (at most a few; the rest go back to the heap).
void* take_read_block() noexcept;
/// False when the cache is full (the caller frees the block).
bool keep_read_block(void* p) noexcept;

template <class T>
struct read_block_allocator {
  using value_type = T;
  read_block_allocator() noexcept = default;
  template <class U>
  read_block_allocator(const read_block_allocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n * sizeof(T) == read_block_size)
      if (void* p = take_read_block()) return static_cast<T*>(p);
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) == read_block_size && keep_read_block(p)) return;
    ::operator delete(p);
  }
  template <class U>
  bool operator==(const read_block_allocator<U>&) const noexcept {
    return true;
  }
};

using read_buffer = boost::beast::basic_flat_buffer<read_block_allocator<char>>;

}  // namespace openrouter::detail

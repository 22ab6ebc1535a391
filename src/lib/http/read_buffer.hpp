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

/// A block of read_block_size bytes: from this thread's cache of recycled blocks, else from the
/// heap; nullptr when there is no memory.
void* new_read_block() noexcept;
/// Gives a block of new_read_block() back: to this thread's cache (at most a few), else the heap.
void free_read_block(void* p) noexcept;

template <class T>
struct read_block_allocator {
  using value_type = T;
  read_block_allocator() noexcept = default;
  template <class U>
  read_block_allocator(const read_block_allocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n * sizeof(T) != read_block_size) return static_cast<T*>(::operator new(n * sizeof(T)));
    if (void* p = new_read_block()) return static_cast<T*>(p);
    throw std::bad_alloc();
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) == read_block_size) free_read_block(p);
    else ::operator delete(p);
  }
  template <class U>
  bool operator==(const read_block_allocator<U>&) const noexcept {
    return true;
  }
};

using read_buffer = boost::beast::basic_flat_buffer<read_block_allocator<char>>;

}  // namespace openrouter::detail

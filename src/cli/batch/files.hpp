#pragma once
// `openrouter batch` files on disk: the output file (opened for appending, locked, never the
// input, written a whole line at a time or not at all, rewritten atomically by --retry-errors)
// and the identity check that keeps the input from ever being opened for writing.

#include "batch/jsonl.hpp"

#include <sys/types.h>

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::cli::batch {

/// A batch file that cannot be used. `usage`: the command line is at fault and nothing was
/// done (exit 2); otherwise an I/O failure (exit 1).
struct file_error : std::runtime_error {
  file_error(const std::string& what, bool usage_error) : std::runtime_error(what), usage(usage_error) {}
  bool usage;
};

/// What makes two paths one file: its device and inode (links, symlinks and "." resolved).
struct file_identity {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const file_identity&) const = default;
};
/// The identity of the file `path` names (symlinks followed); nullopt when there is none.
std::optional<file_identity> identity_of(const std::string& path);

/// The output file. A line is appended with write(2) calls on an O_APPEND descriptor, and a
/// write that fails part-way is cut back off, so the file only ever holds whole lines (a crash
/// can leave one partial last line, which the next run drops). Locked (flock) while a run owns
/// it: two runs appending to one file would each do the other's ids.
class output_file {
 public:
  /// Opens `path` for appending (created 0644 when missing) and locks it. Refused (usage): the
  /// input's file, under whatever name (same path, symlink, hard link); anything but a regular
  /// file; a file another run holds.
  output_file(const std::string& path, const file_identity& input);
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  /// The file as it is now, read through this descriptor (not through the path).
  std::unique_ptr<std::istream> read() const;
  /// Drops what follows the first `keep_bytes` bytes (a cut last line).
  void truncate_to(std::uint64_t keep_bytes);
  /// Appends `line` whole, or leaves the file as it was: false, with the errno in `err`.
  bool append(std::string_view line, int& err);
  /// --retry-errors: replaces the file by one holding only the `keep` byte ranges of it. They
  /// are copied into a new file of a unique name in the same directory (mkstemp: O_EXCL, so
  /// nothing planted under that name is followed), synced, locked, renamed over the file (the
  /// file a symlink names, not the symlink), and the directory synced; this object appends to
  /// the new file then. On any failure the file is left as it was, the temp file removed, and
  /// file_error thrown.
  void replace_keeping(const std::vector<byte_range>& keep);
  std::uint64_t size() const noexcept { return size_; }

 private:
  std::string path_;       // as given, for messages
  std::string real_path_;  // symlinks resolved: what a rewrite replaces
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace openrouter::cli::batch

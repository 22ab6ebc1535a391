#include "files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <streambuf>

namespace openrouter::cli::batch {

namespace {

std::string why() { return std::strerror(errno); }

/// Reads a descriptor from offset 0 with pread, leaving its file offset alone.
class fd_streambuf : public std::streambuf {
 public:
  explicit fd_streambuf(int fd) : fd_(fd) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    ssize_t n;
    do n = ::pread(fd_, buf_, sizeof buf_, static_cast<off_t>(offset_));
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
      if (n < 0) throw std::ios_base::failure("read: " + why());
      return traits_type::eof();
    }
    offset_ += static_cast<std::uint64_t>(n);
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  int fd_;
  std::uint64_t offset_ = 0;
  char buf_[64 * 1024];
};

struct fd_istream : std::istream {
  explicit fd_istream(int fd) : std::istream(nullptr), buf(fd) {
    rdbuf(&buf);
    exceptions(std::ios::badbit);  // a read error is not an end of file
  }
  fd_streambuf buf;
};

bool write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = EIO;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

void sync_directory_of(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  int d = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d < 0) return;  // the rename is done; only its durability is at stake
  ::fsync(d);
  ::close(d);
}

}  // namespace

std::optional<file_identity> identity_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return file_identity{st.st_dev, st.st_ino};
}

output_file::output_file(const std::string& path, const file_identity& input) : path_(path) {
  auto same = [&] {
    return file_error("--output " + path + " is the same file as --input (the same path, a symlink or a hard link): "
                      "the input is never written; give another --output",
                      true);
  };
  if (identity_of(path) == input) throw same();  // before anything is opened for writing
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);  // read back by pread
  if (fd_ < 0) throw file_error("cannot open the output file " + path + ": " + why(), true);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    std::string e = why();
    ::close(fd_);
    throw file_error("cannot stat the output file " + path + ": " + e, true);
  }
  const char* refusal = nullptr;
  if (file_identity{st.st_dev, st.st_ino} == input) refusal = "same";  // replaced since the check
  else if (!S_ISREG(st.st_mode)) refusal = "not a regular file";
  else if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) refusal = "locked";
  if (refusal) {
    ::close(fd_);
    fd_ = -1;
    if (std::string_view(refusal) == "same") throw same();
    if (std::string_view(refusal) == "locked")
      throw file_error(path + " is being written by another openrouter batch (give each run or shard its own --output)",
                       true);
    throw file_error("--output " + path + " is not a regular file", true);
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
  std::error_code ec;
  real_path_ = std::filesystem::canonical(path, ec).string();
  if (ec) real_path_ = path;
}

output_file::~output_file() {
  if (fd_ >= 0) ::close(fd_);
}

std::unique_ptr<std::istream> output_file::read() const { return std::make_unique<fd_istream>(fd_); }

void output_file::truncate_to(std::uint64_t keep_bytes) {
  if (size_ <= keep_bytes) return;
  if (::ftruncate(fd_, static_cast<off_t>(keep_bytes)) != 0)
    throw file_error("cannot truncate the partial last line of " + path_ + ": " + why(), false);
  size_ = keep_bytes;
}

bool output_file::append(std::string_view line, int& err) {
  if (write_all(fd_, line.data(), line.size())) {
    size_ += line.size();
    return true;
  }
  err = errno;
  // Part of the line may be in the file: cut it off, so that the file holds whole lines only.
  (void)::ftruncate(fd_, static_cast<off_t>(size_));
  return false;
}

void output_file::replace_keeping(const std::vector<byte_range>& keep) {
  std::string tmp = real_path_ + ".XXXXXX";
  int t = ::mkstemp(tmp.data());  // O_CREAT | O_EXCL, mode 0600
  if (t < 0) throw file_error("cannot create a temporary file next to " + path_ + ": " + why(), false);
  auto fail = [&](const std::string& what) {
    std::string e = why();
    ::close(t);
    ::unlink(tmp.c_str());
    return file_error("cannot rewrite " + path_ + " for --retry-errors (" + what + ": " + e + "); it is unchanged",
                      false);
  };
  ::fcntl(t, F_SETFD, FD_CLOEXEC);
  const int src = fd_;
  std::uint64_t written = 0;
  std::vector<char> buf(64 * 1024);
  for (const auto& [begin, end] : keep) {
    for (std::uint64_t at = begin; at < end;) {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), end - at));
      ssize_t n = ::pread(src, buf.data(), want, static_cast<off_t>(at));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (n == 0) errno = EIO;  // shorter than scanned
        throw fail("reading it");
      }
      if (!write_all(t, buf.data(), static_cast<std::size_t>(n))) throw fail("writing " + tmp);
      at += static_cast<std::uint64_t>(n);
      written += static_cast<std::uint64_t>(n);
    }
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0) ::fchmod(t, st.st_mode & 07777);
  if (::fsync(t) != 0) throw fail("syncing " + tmp);
  if (::flock(t, LOCK_EX | LOCK_NB) != 0) throw fail("locking " + tmp);
  if (::fcntl(t, F_SETFL, O_APPEND) != 0) throw fail("setting O_APPEND");  // mkstemp's O_RDWR stays
  if (::rename(tmp.c_str(), real_path_.c_str()) != 0) throw fail("renaming it over " + real_path_);
  sync_directory_of(real_path_);
  ::close(fd_);  // the old file, and its lock
  fd_ = t;
  size_ = written;
}

}  // namespace openrouter::cli::batch

#include "disk_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "file_text.h"

namespace sieve::testing {
namespace {

std::string cache_root() {
  if (const char* dir = std::getenv("SIEVE_TEST_CACHE_DIR"); dir && *dir) return dir;
  return SIEVE_TEST_CACHE_DIR;
}

// An exclusive lock on a file, held for the object's lifetime.
class FileLock {
 public:
  explicit FileLock(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) throw std::runtime_error("cannot lock " + path);
  }
  ~FileLock() {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

}  // namespace

std::string file_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "missing";
  return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

std::string cached_dir(const std::string& name, const std::string& key,
                       const std::function<void(const std::string& dir)>& build) {
  const std::filesystem::path root = cache_root();
  std::filesystem::create_directories(root);
  const std::string dir = (root / name).string();
  const std::string stamp = dir + ".key";  // written last: a build that died leaves no stamp
  const FileLock lock(dir + ".lock");
  if (std::filesystem::is_directory(dir) && file_text(stamp) == key) return dir;
  std::filesystem::remove(stamp);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  try {
    build(dir);
  } catch (...) {
    std::filesystem::remove_all(dir);
    throw;
  }
  std::ofstream(stamp, std::ios::binary | std::ios::trunc) << key;
  return dir;
}

}  // namespace sieve::testing

#pragma once
// A whole file mapped read-only: the one owner of a mapping (shards, model files), unmapped when it goes.

#include <cstddef>
#include <string>

namespace sieve {

class MappedFile {
 public:
  MappedFile() = default;
  // Maps the regular file at path (an empty file maps to no bytes). Throws Error(kIo, path,
  // "cannot open|stat|map: <reason>") or Error(kIo, path, "not a regular file").
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // Valid while this object (or the one it is moved into) lives; nullptr for an empty file.
  const unsigned char* data() const { return static_cast<const unsigned char*>(map_); }
  std::size_t size() const { return size_; }

 private:
  void* map_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace sieve

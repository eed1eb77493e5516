#include "byte_source.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include "sieve/core/error.h"

namespace sieve::datasets::detail {
namespace {

constexpr std::size_t kChunk = 1u << 16;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

enum class Compression { kNone, kGzip, kZstd };

Compression sniff(std::FILE* file, std::vector<unsigned char>& head) {
  head.resize(4);
  head.resize(std::fread(head.data(), 1, head.size(), file));
  if (head.size() >= 2 && head[0] == 0x1F && head[1] == 0x8B) return Compression::kGzip;
  if (head.size() >= 4 && head[0] == 0x28 && head[1] == 0xB5 && head[2] == 0x2F && head[3] == 0xFD) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

// A file named .gz (.zst, .zstd) must hold what its name says: read as text, a gzip file that someone
// decompressed in place would look like data, and a corrupt one like garbage rows.
void check_name(const std::string& path, Compression found) {
  if (ends_with(path, ".gz") && found != Compression::kGzip) {
    throw Error(ErrorKind::kFormat, path,
                "not a gzip file: it does not start with gzip's magic bytes 1f 8b (the name ends in .gz)");
  }
  if ((ends_with(path, ".zst") || ends_with(path, ".zstd")) && found != Compression::kZstd) {
    throw Error(ErrorKind::kFormat, path,
                "not a zstd file: it does not start with zstd's magic bytes 28 b5 2f fd (the name ends in "
                ".zst)");
  }
}

}  // namespace

bool ends_with(std::string_view name, std::string_view suffix) {
  return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}

std::string_view uncompressed_name(std::string_view name) {
  for (std::string_view suffix : {".gz", ".zst", ".zstd"}) {
    if (ends_with(name, suffix)) return name.substr(0, name.size() - suffix.size());
  }
  return name;
}

// Decompresses the file's bytes; the bytes read while sniffing are fed first.
struct ByteSource::Decoder {
  Compression kind;
  std::vector<unsigned char> in;  // compressed bytes not yet consumed
  std::size_t in_pos = 0;
  bool input_done = false;
  bool stream_ended = true;  // between frames/members: the end of input is fine here
  z_stream gzip{};
  ZSTD_DStream* zstd = nullptr;

  const char* name() const { return kind == Compression::kGzip ? "gzip" : "zstd"; }

  ~Decoder() {
    if (kind == Compression::kGzip) inflateEnd(&gzip);
    if (zstd) ZSTD_freeDStream(zstd);
  }
};

ByteSource::ByteSource(const std::string& path) : path_(path == "-" ? "<stdin>" : path) {
  if (path == "-") {
    file_ = stdin;
  } else {
    owned_file_.reset(std::fopen(path.c_str(), "rb"));
    if (!owned_file_) throw Error(ErrorKind::kIo, path, std::string("cannot open: ") + std::strerror(errno));
    file_ = owned_file_.get();
  }
  std::vector<unsigned char> head;
  const Compression kind = sniff(file_, head);
  decoder_ = std::make_unique<Decoder>();
  decoder_->kind = kind;
  decoder_->in = std::move(head);
  if (path != "-") check_name(path_, kind);
  if (kind == Compression::kGzip) {
    if (inflateInit2(&decoder_->gzip, 15 + 32) != Z_OK)
      throw Error(ErrorKind::kIo, path_, "zlib init failed");
  } else if (kind == Compression::kZstd) {
    decoder_->zstd = ZSTD_createDStream();
    ZSTD_initDStream(decoder_->zstd);
  }
}

ByteSource::~ByteSource() = default;

std::size_t ByteSource::read(char* buffer, std::size_t size) {
  if (at_start_) skip_byte_order_mark();
  if (head_pos_ < head_.size()) {
    const std::size_t n = std::min(size, head_.size() - head_pos_);
    std::memcpy(buffer, head_.data() + head_pos_, n);
    head_pos_ += n;
    return n;
  }
  return read_decoded(buffer, size);
}

// Looks at the first three bytes of the text (a decoder may hand them out one call at a time).
void ByteSource::skip_byte_order_mark() {
  at_start_ = false;
  char bytes[3];
  while (head_.size() < kByteOrderMark.size()) {
    const std::size_t n = read_decoded(bytes, kByteOrderMark.size() - head_.size());
    if (n == 0) break;
    head_.append(bytes, n);
  }
  if (head_ == kByteOrderMark) head_pos_ = head_.size();
}

std::size_t ByteSource::read_plain(char* buffer, std::size_t size) {
  Decoder& d = *decoder_;
  if (d.in_pos < d.in.size()) {  // the sniffed bytes first
    const std::size_t n = std::min(size, d.in.size() - d.in_pos);
    std::memcpy(buffer, d.in.data() + d.in_pos, n);
    d.in_pos += n;
    return n;
  }
  const std::size_t n = std::fread(buffer, 1, size, file_);
  if (n == 0 && std::ferror(file_)) throw Error(ErrorKind::kIo, path_, "read error");
  return n;
}

std::size_t ByteSource::read_decoded(char* buffer, std::size_t size) {
  Decoder& d = *decoder_;
  if (d.kind == Compression::kNone) return read_plain(buffer, size);
  if (!failure_.empty()) return 0;
  auto refill = [&] {
    if (d.in_pos < d.in.size() || d.input_done) return;
    d.in.resize(kChunk);
    d.in.resize(std::fread(d.in.data(), 1, kChunk, file_));
    d.in_pos = 0;
    if (std::ferror(file_)) throw Error(ErrorKind::kIo, path_, "read error");
    if (d.in.empty()) d.input_done = true;
  };
  std::size_t produced = 0;
  while (produced == 0) {
    refill();
    // At the end of the input the decoder may still hold output: it is asked once more, with nothing.
    if (d.input_done && d.stream_ended) return 0;
    std::string corrupt;  // the decoder's reason, when the data makes no sense
    if (d.kind == Compression::kGzip) {
      d.gzip.next_in = d.in.data() + d.in_pos;
      d.gzip.avail_in = static_cast<uInt>(d.in.size() - d.in_pos);
      d.gzip.next_out = reinterpret_cast<Bytef*>(buffer);
      d.gzip.avail_out = static_cast<uInt>(size);
      const int status = inflate(&d.gzip, Z_NO_FLUSH);
      if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR)
        corrupt = d.gzip.msg ? d.gzip.msg : "?";
      d.in_pos = d.in.size() - d.gzip.avail_in;
      produced = size - d.gzip.avail_out;
      d.stream_ended = status == Z_STREAM_END;
      if (d.stream_ended) inflateReset(&d.gzip);  // concatenated members are one stream (gzip -c a b)
    } else {
      ZSTD_inBuffer in{d.in.data(), d.in.size(), d.in_pos};
      ZSTD_outBuffer out{buffer, size, 0};
      const std::size_t status = ZSTD_decompressStream(d.zstd, &out, &in);
      if (ZSTD_isError(status)) corrupt = ZSTD_getErrorName(status);
      d.in_pos = in.pos;
      produced = corrupt.empty() ? out.pos : 0;  // zstd leaves the output undefined on an error
      d.stream_ended = status == 0;
    }
    if (produced == 0 && corrupt.empty() && d.input_done) {
      failure_ =
          std::string("the ") + d.name() + " stream is truncated: the file ends inside its compressed data";
      return 0;
    }
    if (!corrupt.empty()) {
      failure_ =
          std::string("corrupt ") + d.name() + " data (" + corrupt + "): the rest of the file cannot be read";
      return produced;
    }
  }
  return produced;
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    buffer_.erase(0, begin_);
    begin_ = 0;
  }
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kChunk);
  const std::size_t n = source_.read(buffer_.data() + old_size, kChunk);
  buffer_.resize(old_size + n);
  if (n == 0) eof_ = true;
  return n > 0;
}

bool LineReader::next(std::string_view& line, std::size_t max_bytes, std::size_t* too_long) {
  *too_long = 0;
  std::size_t scanned = begin_;
  for (;;) {
    const char* newline =
        static_cast<const char*>(std::memchr(buffer_.data() + scanned, '\n', buffer_.size() - scanned));
    if (newline) {
      const std::size_t end = static_cast<std::size_t>(newline - buffer_.data());
      ++line_number_;
      std::size_t length = end - begin_;
      if (length > 0 && buffer_[end - 1] == '\r') --length;
      line = std::string_view(buffer_.data() + begin_, length);
      begin_ = end + 1;
      return true;
    }
    if (buffer_.size() - begin_ > max_bytes) {
      // Skip to the end of this line without keeping it.
      std::size_t skipped = buffer_.size() - begin_;
      buffer_.clear();
      begin_ = 0;
      for (;;) {
        if (!fill()) break;
        const void* nl = std::memchr(buffer_.data(), '\n', buffer_.size());
        if (nl) {
          const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer_.data());
          skipped += end;
          begin_ = end + 1;
          break;
        }
        skipped += buffer_.size();
        buffer_.clear();
      }
      ++line_number_;
      *too_long = skipped;
      line = {};
      return true;
    }
    const std::size_t pending = buffer_.size() - begin_;  // fill() moves the pending bytes to the front
    if (!fill()) {
      if (begin_ >= buffer_.size()) return false;
      if (!source_.failure().empty()) {  // the data stopped inside this line: it is no row
        begin_ = buffer_.size();
        return false;
      }
      ++line_number_;  // a last line without "\n"
      line = std::string_view(buffer_.data() + begin_, buffer_.size() - begin_);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      begin_ = buffer_.size();
      return true;
    }
    scanned = pending;
  }
}

}  // namespace sieve::datasets::detail

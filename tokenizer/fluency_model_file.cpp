// The file format of a FluencyModel (all little-endian): "SIEVEFLM", u32 version, u64 total length in
// bytes, u32 word_order, u32 char_order, u32 buckets_log2, u64 max_ngrams (from version 3; read as 0 from
// version 2), u32 folds (2, or 1 for the serving half), u32 contrast (from version 4: 1 when the contrast
// models follow, else 0), then per fold 6 native models (en, fr, zh × word, char; see
// kneser_ney_file.cpp: exact counts up to version 4, quantized terms in version 5) and, with contrast, 12
// contrast models (learner, machine × en, fr, zh × word, char), then the u64 sieve::hash64 of every byte
// before it, seed 0x666C75656E637921. A model writes the version its tables hold: 5 when built now, 4 when
// read from a file of version 4 or older (so such a model scores as it did when it was trained).
#include <cstring>
#include <memory>

#include "fluency_model_impl.h"
#include "sieve/core/error.h"
#include "sieve/core/hash.h"
#include "sieve/core/mapped_file.h"

namespace sieve::tokenizer {
namespace {

using detail::KneserNeyModel;

constexpr char kMagic[8] = {'S', 'I', 'E', 'V', 'E', 'F', 'L', 'M'};
// 2: the number of folds after buckets_log2; 3: max_ngrams before it; 4: the contrast models; 5: quantized
// tables, aligned for use in place.
constexpr std::uint32_t kVersion = 5;
constexpr std::uint32_t kExactVersion = 4;
constexpr std::uint32_t kOldestVersion = 2;
constexpr std::size_t kHeaderSize = 8 + 4 + 8;
constexpr std::uint64_t kChecksumSeed = 0x666C75656E637921ULL;  // "fluency!"

// Calls f on every model a file of `folds` folds holds, in file order.
template <typename Impl, typename F>
void for_each_stored_model(Impl& impl, int folds, F f) {
  for (int fold = 0; fold < folds; ++fold) {
    for (auto& lang : impl.models[fold]) {
      for (int kind = 0; kind < detail::kKindCount; ++kind) f(lang[kind], kind);
    }
    if (!impl.contrast) continue;
    for (auto& contrast : impl.contrasts[fold]) {
      for (auto& lang : contrast) {
        for (int kind = 0; kind < detail::kKindCount; ++kind) f(lang[kind], kind);
      }
    }
  }
}

}  // namespace

std::string FluencyModel::serialize(bool serving_half) const {
  const int folds = serving_half ? 1 : impl_->folds;
  std::size_t size = kHeaderSize + 28 + 8;
  for_each_stored_model(*impl_, folds, [&](const KneserNeyModel& model, int) { size += model.written_size(); });
  std::string out;
  out.reserve(size);  // once: the model can be hundreds of megabytes
  out.append(kMagic, sizeof kMagic);
  detail::put_u32(out, impl_->models[0][0][0].quantized() ? kVersion : kExactVersion);
  detail::put_u64(out, 0);  // the total length, written below
  detail::put_u32(out, static_cast<std::uint32_t>(impl_->options.word_order));
  detail::put_u32(out, static_cast<std::uint32_t>(impl_->options.char_order));
  detail::put_u32(out, impl_->options.buckets_log2);
  detail::put_u64(out, impl_->options.max_ngrams);
  detail::put_u32(out, static_cast<std::uint32_t>(folds));
  detail::put_u32(out, impl_->contrast ? 1u : 0u);
  for_each_stored_model(*impl_, folds, [&](const KneserNeyModel& model, int) { model.write(out); });
  std::string length;
  detail::put_u64(length, out.size() + 8);
  out.replace(12, 8, length);
  detail::put_u64(out, hash64(out, kChecksumSeed));
  return out;
}

FluencyModel FluencyModel::deserialize(std::string_view bytes, const std::string& where) {
  return view(bytes, where, nullptr);
}

FluencyModel FluencyModel::load(const std::string& path) {
  auto mapping = std::make_shared<const MappedFile>(path);
  const std::string_view bytes(reinterpret_cast<const char*>(mapping->data()), mapping->size());
  return view(bytes, path, std::move(mapping));
}

FluencyModel FluencyModel::view(std::string_view bytes, const std::string& where,
                                std::shared_ptr<const void> keep_alive) {
  auto fail = [&](const std::string& message) { throw Error(ErrorKind::kFormat, where, message); };
  if (bytes.size() < kHeaderSize + 8) {
    fail("truncated: " + std::to_string(bytes.size()) + " bytes is shorter than a fluency model's " +
         std::to_string(kHeaderSize + 8) + "-byte header and checksum");
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) fail("not a sieve fluency model (bad magic)");
  detail::ByteReader header(bytes.substr(sizeof kMagic, 12), where);
  const std::uint32_t version = header.u32("version");
  if (version < kOldestVersion || version > kVersion) {
    fail("fluency model version " + std::to_string(version) + ", this build reads versions " +
         std::to_string(kOldestVersion) + " to " + std::to_string(kVersion));
  }
  const std::uint64_t length = header.u64("length");
  if (length != bytes.size()) {
    fail((length > bytes.size() ? "truncated: the header says " : "the header says ") +
         std::to_string(length) + " bytes, the input has " + std::to_string(bytes.size()));
  }
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  detail::ByteReader checksum(bytes.substr(body.size()), where);
  if (checksum.u64("checksum") != hash64(body, kChecksumSeed))
    fail("checksum mismatch: the model is corrupt");

  detail::ByteReader in(body, where);
  in.u64("magic");
  in.u32("version");
  in.u64("length");
  auto impl = std::make_shared<Impl>();
  // Older versions hold exact counts in another layout: their tables are always copied.
  const bool borrow = keep_alive != nullptr && version >= 5;
  if (borrow) impl->keep_alive = std::move(keep_alive);
  impl->options.word_order = static_cast<int>(in.u32("word_order"));
  impl->options.char_order = static_cast<int>(in.u32("char_order"));
  impl->options.buckets_log2 = in.u32("buckets_log2");
  impl->options.max_ngrams = version == 2 ? 0 : in.u64("max_ngrams");  // version 2 counted exactly
  try {
    impl->options.validate();
  } catch (const Error& e) {
    in.fail("stored " + e.where() + " " + e.message());
  }
  const std::uint32_t folds = in.u32("folds");
  if (folds != 1 && folds != 2) in.fail("stored folds " + std::to_string(folds) + ", not 1 or 2");
  impl->folds = static_cast<int>(folds);
  const std::uint32_t contrast = version >= 4 ? in.u32("contrast") : 0;
  if (contrast > 1) in.fail("stored contrast " + std::to_string(contrast) + ", not 0 or 1");
  impl->contrast = contrast == 1;
  for_each_stored_model(*impl, impl->folds, [&](KneserNeyModel& model, int kind) {
    const unsigned max_log2 = impl->options.buckets_log2;
    model = version < 5 ? KneserNeyModel::read_exact(in, impl->order(kind), max_log2)
                        : KneserNeyModel::read_quantized(in, impl->order(kind), max_log2, borrow);
  });
  if (in.remaining() != 0) in.fail(std::to_string(in.remaining()) + " unexpected bytes after the last table");
  return FluencyModel(std::move(impl));
}

}  // namespace sieve::tokenizer

#include "ngram_table.h"

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>  // mmap, madvise
#endif

#include <cmath>
#include <cstdlib>
#include <new>

namespace sieve::tokenizer::detail {

std::uint16_t encode_log(double x) {
  if (!(x > 0)) return kLogZero;
  const double steps = std::round(-std::log2(x) * kLogSteps);
  if (steps <= 0) return 0;
  return steps >= kLogLargest ? kLogLargest : static_cast<std::uint16_t>(steps);
}

const LogDecoder& LogDecoder::get() {
  static const LogDecoder decoder;
  return decoder;
}

LogDecoder::LogDecoder() {
  for (int i = 0; i < kLogSteps; ++i)
    fraction_[i] = static_cast<float>(std::exp2(-static_cast<double>(i) / kLogSteps));
  for (int k = 0; k < 32; ++k) octave_[k] = std::ldexp(1.0f, -k);
}

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
}  // namespace

SlotMemory allocate_slots(std::size_t bytes) {
#if __has_include(<sys/mman.h>)
  if (bytes >= kHugePage) {
    // Map a huge page more than needed, then unmap the ends so that the table starts on a huge page. Fresh
    // pages: reused heap memory would already be mapped with small pages.
    void* mapped =
        mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(mapped);
    const std::uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
    if (aligned > start) munmap(mapped, aligned - start);
    munmap(reinterpret_cast<void*>(aligned + bytes), kHugePage - (aligned - start));
    void* memory = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
    madvise(memory, bytes, MADV_HUGEPAGE);  // only a hint: failure is harmless
#endif
    return SlotMemory(memory, SlotFree{bytes});
  }
#endif
  void* memory = std::calloc(bytes, 1);
  if (memory == nullptr) throw std::bad_alloc();
  return SlotMemory(memory, SlotFree{0});
}

void SlotFree::operator()(void* slots) const {
#if __has_include(<sys/mman.h>)
  if (mapped_bytes > 0) {
    munmap(slots, mapped_bytes);
    return;
  }
#endif
  std::free(slots);
}

}  // namespace sieve::tokenizer::detail

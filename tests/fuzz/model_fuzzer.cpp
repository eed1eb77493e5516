// The model file reader and the runtime on arbitrary files: the container (safetensors header, offsets),
// the metadata, every tensor, the tokenizer inside; a file that loads is self-tested and scores posts.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "fuzz_input.h"
#include "sieve/core/error.h"
#include "sieve/runtime/model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = sieve::fuzz::input_file(data, size, ".sieve");
  try {
    const auto model = sieve::infer::Model::load(path);
    model->self_test();
    sieve::infer::ScoreWorkspace workspace;
    std::vector<float> probabilities(model->output_count());
    for (const char* post : {"The minister hid the report 2023 @user", "这个总理隐瞒了真相", ""}) {
      model->score(post, workspace, probabilities.data());
      // NaN stays possible: finite weights chosen to overflow (inf - inf) are not refused at load.
      for (const float p : probabilities) {
        if (p < 0 || p > 1) std::abort();
      }
    }
    if (!model->heads().empty()) model->explain("the minister hid the report", 0, 3, workspace);
  } catch (const sieve::Error&) {
  }
  return 0;
}

#include "normalizer_options.h"

#include "file_io.h"

namespace sieve::cli {

void add_normalizer_options(CLI::App& command, NormalizerOptions& options) {
  std::string steps;
  for (const auto& name : tokenizer::NormalizerSettings::step_names())
    steps += (steps.empty() ? "" : ", ") + name;
  command.add_option("--normalizer", options.settings_path,
                     "JSON file of normalizer settings (default: all steps on)");
  command.add_option("--disable", options.disabled, "switch a normalizer step off (repeatable): " + steps);
  command.add_option("--max-char-run", options.max_char_run,
                     "cut runs of one character to this length (0: keep)");
}

tokenizer::NormalizerSettings resolve(const NormalizerOptions& options) {
  tokenizer::NormalizerSettings settings;
  if (!options.settings_path.empty())
    settings = tokenizer::NormalizerSettings::from_json(read_file(options.settings_path));
  for (const auto& step : options.disabled) settings.set_step(step, false);
  if (options.max_char_run >= 0) settings.max_char_run = options.max_char_run;
  settings.validate();
  return settings;
}

}  // namespace sieve::cli
